namespace Stampede.Experiments;

/// <summary>The result of a stress test: where the target broke, how, and whether it came back.</summary>
public sealed record BreakingPointAnalysis
{
    /// <summary>The last step's rate that held, iterations/s; <see langword="null"/> when the first step broke.</summary>
    public double? Rate { get; init; }

    /// <summary>The rate of the step that broke, iterations/s; <see langword="null"/> when none did.</summary>
    public double? BrokeAtRate { get; init; }

    /// <summary>The history second the breaking step started.</summary>
    public long? AtSecond { get; init; }

    /// <summary>How it broke: <c>http-5xx</c>, <c>http-429</c>, <c>timeouts</c>, <c>refused</c>, <c>resets</c>, <c>other-errors</c> or <c>latency</c>; <see langword="null"/> without a break.</summary>
    public string? FailureMode { get; init; }

    /// <summary>The breaking step's failed requests by mode.</summary>
    public IReadOnlyDictionary<string, long> FailureCounts { get; init; } = new Dictionary<string, long>();

    /// <summary>Whether the recovery phase got back to twice the first step's p99 with under 1% errors.</summary>
    public bool? Recovered { get; init; }

    /// <summary>Seconds from the recovery phase's start to the first second from which every second held; <see langword="null"/> when it did not recover.</summary>
    public double? RecoverySeconds { get; init; }

    /// <summary>The recovery rate held, iterations/s.</summary>
    public double? RecoveryRate { get; init; }

    /// <summary>What a step's break was judged by.</summary>
    public required IReadOnlyList<string> BreakWhen { get; init; }

    /// <summary>The verdict in one sentence.</summary>
    public required string Summary { get; init; }

    /// <summary>Every step, in the order run (the capacity search's step shape; <c>phase</c> is <c>step</c> or <c>recovery</c>).</summary>
    public required IReadOnlyList<CapacityStep> Steps { get; init; }
}
