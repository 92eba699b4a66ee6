namespace Stampede;

/// <summary>How a <see cref="Feeder{T}"/> hands out its items to the virtual users.</summary>
public enum FeederMode
{
    /// <summary>In order, shared across all users, starting over after the last item (Gatling's <c>circular</c>). Every item is used equally often.</summary>
    Circular,

    /// <summary>A uniformly random item each time, with replacement (Gatling's <c>random</c>). Pass <see cref="User.Random"/> to <see cref="Feeder{T}.Next(Random)"/> for a reproducible run.</summary>
    Random,

    /// <summary>Each item exactly once across all users, then the feeder is exhausted and a user asking for more stops (Gatling's <c>queue</c>; Locust's <c>StopUser</c> pattern). For one-time tokens or accounts.</summary>
    ReadOnce,
}
