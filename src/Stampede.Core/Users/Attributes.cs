namespace Stampede;

/// <summary>Marks a method of a <see cref="User"/> as a task, picked at random in proportion to its weight.</summary>
/// <remarks>The method takes no parameters and returns <see cref="System.Threading.Tasks.Task"/>, <see cref="ValueTask"/> or nothing; it may be private.</remarks>
/// <param name="weight">Relative weight; a task of weight 7 runs seven times as often as one of weight 1.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class TaskAttribute(int weight = 1) : Attribute
{
    /// <summary>Relative weight, at least 1.</summary>
    /// <value>1.</value>
    public int Weight { get; } = weight;

    /// <summary>Position in the sequence when the class is marked <see cref="SequentialTasksAttribute"/>; lower runs first.</summary>
    /// <value>0 (ties keep declaration order).</value>
    public int Order { get; init; }
}

/// <summary>Runs a user's tasks in order (by <see cref="TaskAttribute.Order"/>, then declaration order) and starts over, instead of picking by weight (Locust's <c>SequentialTaskSet</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class SequentialTasksAttribute : Attribute;

/// <summary>Tags a task so a run can include (<c>--tags</c>) or exclude (<c>--exclude-tags</c>) it.</summary>
/// <param name="tags">One or more tags.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class TagAttribute(params string[] tags) : Attribute
{
    /// <summary>The tags.</summary>
    public IReadOnlyList<string> Tags { get; } = tags;
}

/// <summary>The share of spawned users that are of this class, relative to the other classes' weights (Locust's <c>weight</c>).</summary>
/// <param name="weight">Relative weight, at least 0; classes default to 1.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class WeightAttribute(int weight) : Attribute
{
    /// <summary>Relative weight.</summary>
    public int Weight { get; } = weight;
}

/// <summary>Spawns exactly this many users of the class, before any weighted class (Locust's <c>fixed_count</c>).</summary>
/// <param name="count">Users of this class, at least 0.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class FixedCountAttribute(int count) : Attribute
{
    /// <summary>Users of this class.</summary>
    public int Count { get; } = count;
}

/// <summary>Thrown from a task to stop this virtual user for the rest of the run (Locust's <c>StopUser</c>).</summary>
public sealed class StopUserException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StopUserException()
        : base("The user asked to stop.")
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public StopUserException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and a cause.</summary>
    public StopUserException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
