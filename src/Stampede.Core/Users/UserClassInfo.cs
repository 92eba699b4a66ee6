using System.Linq.Expressions;
using System.Reflection;

namespace Stampede;

/// <summary>What the runner needs to know about a user class: its tasks as compiled delegates, weights and tags.</summary>
internal sealed class UserClassInfo
{
    private readonly TaskInfo[] _tasks;
    private readonly int[] _cumulativeWeights;
    private readonly Func<User> _factory;

    private UserClassInfo(Type type, int weight, int fixedCount, bool sequential, TaskInfo[] tasks)
    {
        Type = type;
        Weight = weight;
        FixedCount = fixedCount;
        Sequential = sequential;
        _tasks = tasks;
        _cumulativeWeights = new int[tasks.Length];
        int sum = 0;
        for (int i = 0; i < tasks.Length; i++)
        {
            sum += tasks[i].Weight;
            _cumulativeWeights[i] = sum;
        }

        _factory = Expression.Lambda<Func<User>>(Expression.New(type)).Compile();
    }

    public Type Type { get; }

    /// <summary>Whether the class sends requests to the run's host (an <see cref="HttpUser"/> or a <see cref="GrpcUser"/>), so it needs one.</summary>
    public bool TalksToHost => typeof(HttpUser).IsAssignableFrom(Type) || typeof(GrpcUser).IsAssignableFrom(Type);

    public string Name => Type.Name;

    public int Weight { get; }

    public int FixedCount { get; }

    public bool Sequential { get; }

    public IReadOnlyList<TaskInfo> Tasks => _tasks;

    public User Create() => _factory();

    /// <summary>The next task: the next in order for a sequential class, otherwise a weighted random pick.</summary>
    public TaskInfo NextTask(Random random, ref int sequenceIndex)
    {
        if (Sequential)
        {
            TaskInfo task = _tasks[sequenceIndex];
            sequenceIndex = (sequenceIndex + 1) % _tasks.Length;
            return task;
        }

        int pick = random.Next(_cumulativeWeights[^1]);
        int index = Array.BinarySearch(_cumulativeWeights, pick + 1);
        return _tasks[index >= 0 ? index : ~index];
    }

    /// <summary>
    /// Reads a user class, keeping the tasks allowed by the tag filters. Returns <see langword="null"/>
    /// when tag filtering leaves it no task; throws <see cref="ScenarioException"/> when it is not a usable user class.
    /// </summary>
    public static UserClassInfo? Create(Type type, IReadOnlyCollection<string> tags, IReadOnlyCollection<string> excludeTags)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!typeof(User).IsAssignableFrom(type))
        {
            throw new ScenarioException($"{type.Name} is not a user class: derive it from User or HttpUser.");
        }

        if (type.IsAbstract || type.GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes) is null)
        {
            throw new ScenarioException($"{type.Name} cannot be created: a user class must be concrete and have a parameterless constructor.");
        }

        int weight = type.GetCustomAttribute<WeightAttribute>()?.Weight ?? 1;
        if (weight < 0)
        {
            throw new ScenarioException($"{type.Name} has [Weight({weight})]: a weight must be 0 or more.");
        }

        int fixedCount = type.GetCustomAttribute<FixedCountAttribute>()?.Count ?? 0;
        if (fixedCount < 0)
        {
            throw new ScenarioException($"{type.Name} has [FixedCount({fixedCount})]: a fixed count must be 0 or more.");
        }

        bool sequential = type.GetCustomAttribute<SequentialTasksAttribute>() is not null;
        var tasks = new List<(TaskInfo Task, int Order, int Token)>();
        bool anyDeclared = false;
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (MethodInfo method in t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                TaskAttribute? attribute = method.GetCustomAttribute<TaskAttribute>();
                if (attribute is null || tasks.Exists(x => x.Task.Method.GetBaseDefinition() == method.GetBaseDefinition()))
                {
                    continue;
                }

                anyDeclared = true;
                string[] methodTags = [.. method.GetCustomAttributes<TagAttribute>().SelectMany(a => a.Tags)];
                if (!Included(methodTags, tags, excludeTags))
                {
                    continue;
                }

                if (attribute.Weight < 1)
                {
                    throw new ScenarioException($"{type.Name}.{method.Name} has [Task({attribute.Weight})]: a task weight must be 1 or more.");
                }

                tasks.Add((new TaskInfo($"{type.Name}.{method.Name}", method, attribute.Weight, methodTags, Compile(type, method)), attribute.Order, method.MetadataToken));
            }
        }

        if (!anyDeclared)
        {
            throw new ScenarioException($"{type.Name} has no tasks: mark at least one method with [Task].");
        }

        if (tasks.Count == 0)
        {
            return null;
        }

        TaskInfo[] ordered = [.. tasks.OrderBy(x => x.Order).ThenBy(x => x.Token).Select(x => x.Task)];
        return new UserClassInfo(type, weight, fixedCount, sequential, ordered);
    }

    private static bool Included(string[] methodTags, IReadOnlyCollection<string> include, IReadOnlyCollection<string> exclude)
    {
        if (include.Count > 0 && !methodTags.Any(include.Contains))
        {
            return false;
        }

        return !methodTags.Any(exclude.Contains);
    }

    private static Func<User, ValueTask> Compile(Type type, MethodInfo method)
    {
        if (method.GetParameters().Length != 0 || method.IsGenericMethodDefinition)
        {
            throw new ScenarioException($"{type.Name}.{method.Name} cannot be a task: a task method takes no parameters.");
        }

        ParameterExpression user = Expression.Parameter(typeof(User), "user");
        Expression call = Expression.Call(Expression.Convert(user, method.DeclaringType!), method);
        Expression body = method.ReturnType switch
        {
            Type r when r == typeof(ValueTask) => call,
            Type r when r == typeof(Task) => Expression.New(typeof(ValueTask).GetConstructor([typeof(Task)])!, call),
            Type r when r == typeof(void) => Expression.Block(call, Expression.Default(typeof(ValueTask))),
            _ => throw new ScenarioException(
                $"{type.Name}.{method.Name} returns {method.ReturnType.Name}: a task returns Task, ValueTask or nothing (a Task<T> result is ignored; return Task)."),
        };
        return Expression.Lambda<Func<User, ValueTask>>(body, user).Compile();
    }
}

/// <summary>One task of a user class.</summary>
internal sealed record TaskInfo(string Name, MethodInfo Method, int Weight, IReadOnlyList<string> Tags, Func<User, ValueTask> Invoke);

/// <summary>A scenario that cannot run as written: the message says what is wrong and how to fix it.</summary>
public sealed class ScenarioException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScenarioException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ScenarioException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ScenarioException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
