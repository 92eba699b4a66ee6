namespace Stampede.Experiments;

/// <summary>
/// Where a running experiment (<c>--find-capacity</c>, <c>--stress</c>) stands, for the live views: its phase, the
/// step running now and its rate, the steps judged so far, the bracket a capacity search is narrowing, and how long
/// it has left. Taken once a second with the live snapshot (<see cref="Metrics.StatsSnapshot.Experiment"/>).
/// </summary>
public sealed record ExperimentProgress
{
    /// <summary><c>capacity</c> or <c>stress</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>
    /// <c>grow</c> or <c>bisect</c> (a capacity search's steps), <c>drain</c> (the trickle after a failing capacity
    /// step, until the target's backlog is gone), <c>step</c> (a stress step), <c>recovery</c> (the stress test's lower
    /// rate after the break), or <c>done</c>.
    /// </summary>
    public required string Phase { get; init; }

    /// <summary>The 1-based number of the step running (or next, while draining); once done, the number of steps judged.</summary>
    public required int Step { get; init; }

    /// <summary>The rate of the step running (or next), iterations/s.</summary>
    public required double Rate { get; init; }

    /// <summary>Seconds until the running step (or the recovery phase) is judged; <see langword="null"/> while draining or once done.</summary>
    public int? StepSecondsLeft { get; init; }

    /// <summary>
    /// An estimate of the seconds the whole experiment has left: the running step's seconds plus the step time of each
    /// step still to come (the drains after failing capacity steps, a few seconds each, are not counted). Exact in
    /// number of steps for a bisection; the most steps left while a capacity search grows towards <c>--max-rate</c> or
    /// a stress test has steps left before its step limit. <see langword="null"/> when unknown (a capacity search
    /// growing with no <c>--max-rate</c>).
    /// </summary>
    public int? SecondsLeft { get; init; }

    /// <summary>The highest rate that passed so far (capacity) or held (stress), iterations/s.</summary>
    public double? LastPassRate { get; init; }

    /// <summary>The lowest rate that failed so far (capacity) or broke (stress), iterations/s.</summary>
    public double? FirstFailRate { get; init; }

    /// <summary>The steps judged so far, in order.</summary>
    public required IReadOnlyList<CapacityStep> Steps { get; init; }

    /// <summary>The progress in one line, as the console shows it.</summary>
    public required string Text { get; init; }
}
