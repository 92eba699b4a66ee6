namespace Stampede.Reports;

/// <summary><c>analysis.breakingPoint</c>: where the target broke under rising load, how, and whether it recovered (see <see cref="Experiments.BreakingPointAnalysis"/>).</summary>
internal sealed record RunDocumentBreakingPoint
{
    /// <summary>The last step's rate that held, iterations/s.</summary>
    public double? Rate { get; init; }

    /// <summary>The breaking step's rate, iterations/s.</summary>
    public double? BrokeAtRate { get; init; }

    /// <summary>The history second the breaking step started.</summary>
    public long? AtSecond { get; init; }

    /// <summary><c>http-5xx</c>, <c>http-429</c>, <c>timeouts</c>, <c>refused</c>, <c>resets</c>, <c>other-errors</c> or <c>latency</c>.</summary>
    public string? FailureMode { get; init; }

    /// <summary>The breaking step's failed requests by mode.</summary>
    public required IReadOnlyDictionary<string, long> FailureCounts { get; init; }

    /// <summary>Whether the recovery phase came back (p99 within twice the first step's, under 1% errors).</summary>
    public bool? Recovered { get; init; }

    /// <summary>Seconds into the recovery phase from which every second held.</summary>
    public double? RecoverySeconds { get; init; }

    /// <summary>The recovery rate, iterations/s.</summary>
    public double? RecoveryRate { get; init; }

    /// <summary>The break conditions.</summary>
    public required IReadOnlyList<string> BreakWhen { get; init; }

    /// <summary>The verdict in one sentence.</summary>
    public required string Summary { get; init; }

    /// <summary>Every step and the recovery phase, in the capacity search's step shape.</summary>
    public required IReadOnlyList<RunDocumentCapacityStep> Steps { get; init; }
}
