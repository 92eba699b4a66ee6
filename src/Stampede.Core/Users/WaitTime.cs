namespace Stampede;

/// <summary>
/// How long a virtual user waits after each task, with Locust's meanings. A user that sets none
/// waits zero, as in Locust.
/// </summary>
/// <remarks>
/// <see cref="User.WaitTime"/> is read once when a user starts, so an expression-bodied override
/// (<c>=&gt; WaitTime.Between(0.5, 2)</c>) costs nothing per task.
/// </remarks>
public abstract class WaitTime
{
    private protected WaitTime()
    {
    }

    /// <summary>No wait: the next task starts as soon as the previous one ends.</summary>
    public static WaitTime Zero { get; } = new ConstantWait(TimeSpan.Zero);

    /// <summary>A uniformly random wait between <paramref name="minSeconds"/> and <paramref name="maxSeconds"/> seconds (Locust's <c>between</c>).</summary>
    public static WaitTime Between(double minSeconds, double maxSeconds)
    {
        RequireSeconds(minSeconds, nameof(minSeconds));
        RequireSeconds(maxSeconds, nameof(maxSeconds));
        if (maxSeconds < minSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSeconds), maxSeconds, $"WaitTime.Between needs max >= min (min is {minSeconds} s).");
        }

        return new BetweenWait(minSeconds, maxSeconds);
    }

    /// <summary>The same wait of <paramref name="seconds"/> seconds after every task (Locust's <c>constant</c>).</summary>
    public static WaitTime Constant(double seconds)
    {
        RequireSeconds(seconds, nameof(seconds));
        return new ConstantWait(TimeSpan.FromSeconds(seconds));
    }

    /// <summary>
    /// Starts a task every <paramref name="seconds"/> seconds: the wait is the interval minus the
    /// time the task took, or zero if it took longer (Locust's <c>constant_pacing</c>).
    /// </summary>
    public static WaitTime ConstantPacing(double seconds)
    {
        if (!(seconds > 0) || double.IsInfinity(seconds))
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "WaitTime.ConstantPacing needs a positive, finite number of seconds.");
        }

        return new PacingWait(TimeSpan.FromSeconds(seconds));
    }

    /// <summary>At most <paramref name="tasksPerSecond"/> tasks per second per user: pacing of 1/rate seconds (Locust's <c>constant_throughput</c>).</summary>
    public static WaitTime ConstantThroughput(double tasksPerSecond)
    {
        if (!(tasksPerSecond > 0) || double.IsInfinity(tasksPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(tasksPerSecond), tasksPerSecond, "WaitTime.ConstantThroughput needs a positive, finite rate in tasks per second.");
        }

        return new PacingWait(TimeSpan.FromSeconds(1 / tasksPerSecond));
    }

    /// <summary>The wait after a task that took <paramref name="taskDuration"/>.</summary>
    /// <param name="random">The user's own seeded random source.</param>
    /// <param name="taskDuration">How long the task that just ended ran.</param>
    public abstract TimeSpan Next(Random random, TimeSpan taskDuration);

    /// <summary>
    /// The interval between task starts this wait aims for, when it paces (<see cref="ConstantPacing"/>,
    /// <see cref="ConstantThroughput"/>); otherwise <see langword="null"/>.
    /// </summary>
    public virtual TimeSpan? PacingInterval => null;

    private static void RequireSeconds(double seconds, string name)
    {
        if (!(seconds >= 0) || double.IsInfinity(seconds))
        {
            throw new ArgumentOutOfRangeException(name, seconds, "Wait times are finite numbers of seconds >= 0.");
        }
    }

    private sealed class ConstantWait(TimeSpan wait) : WaitTime
    {
        public override TimeSpan Next(Random random, TimeSpan taskDuration) => wait;

        public override string ToString() => $"constant({wait.TotalSeconds:0.###} s)";
    }

    private sealed class BetweenWait(double min, double max) : WaitTime
    {
        public override TimeSpan Next(Random random, TimeSpan taskDuration) =>
            TimeSpan.FromSeconds(min + (random.NextDouble() * (max - min)));

        public override string ToString() => $"between({min:0.###} s, {max:0.###} s)";
    }

    private sealed class PacingWait(TimeSpan interval) : WaitTime
    {
        public override TimeSpan? PacingInterval => interval;

        public override TimeSpan Next(Random random, TimeSpan taskDuration) =>
            taskDuration >= interval ? TimeSpan.Zero : interval - taskDuration;

        public override string ToString() => $"pacing({interval.TotalSeconds:0.###} s)";
    }
}
