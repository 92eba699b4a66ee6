using Stampede.Monitoring;

namespace Stampede.Analysis;

/// <summary>
/// What limited the system under test, with the evidence: the knee of the run (where offered load kept
/// rising but completed throughput stopped following it, latency bent, or an SLO first failed) and the
/// state of every watched resource there.
/// </summary>
public sealed record BottleneckAnalysis
{
    /// <summary>
    /// The verdict: a resource name (<c>cpu</c>, <c>memory</c>, <c>gpu</c>, <c>gpu-memory</c>, <c>network</c>,
    /// <c>disk</c>, <c>queue</c>, <c>concurrency</c>, <c>replicas</c>), <c>generator</c> (the generator was bound
    /// first), <c>errors</c> (the server started failing before any resource saturated), <c>unknown</c> (a knee,
    /// but nothing watched explains it) or <c>none</c> (no saturation reached).
    /// </summary>
    public required string Resource { get; init; }

    /// <summary>The verdict as a sentence with its evidence.</summary>
    public required string Summary { get; init; }

    /// <summary>How the knee was found: <c>throughput-plateau</c>, <c>throughput-short</c> (open model: completions fell short of arrivals), <c>latency-bend</c>, <c>slo-failed</c>, <c>steady-saturation</c> (no ramp, but a resource was saturated throughout), or <see langword="null"/> without a knee.</summary>
    public string? KneeKind { get; init; }

    /// <summary>The second of the run (0-based, as the history's) at the knee; <see langword="null"/> without one.</summary>
    public long? AtSecond { get; init; }

    /// <summary>Offered load at the knee: users (closed model) or the target rate, iterations/s (open model).</summary>
    public double? OfferedAtKnee { get; init; }

    /// <summary><c>users</c> or <c>iterations/s</c>: the unit of <see cref="OfferedAtKnee"/>.</summary>
    public string? OfferedUnit { get; init; }

    /// <summary>Successful requests/s on the plateau from the knee on: the capacity the run found; <see langword="null"/> without a knee.</summary>
    public double? ThroughputAtKnee { get; init; }

    /// <summary>The aggregated p50 at the knee, ms.</summary>
    public double? P50AtKneeMs { get; init; }

    /// <summary>Every watched resource's state at the knee (or over the steady part of the run without one), the named one first.</summary>
    public IReadOnlyList<BottleneckEvidence> Evidence { get; init; } = [];

    /// <summary>Resources that some source measured.</summary>
    public IReadOnlyList<string> Watched { get; init; } = [];

    /// <summary>Resources no source measured, so they could not be judged.</summary>
    public IReadOnlyList<string> NotWatched { get; init; } = [];

    /// <summary>What to add or change to get a firmer answer; empty when there is nothing to add.</summary>
    public IReadOnlyList<string> Advice { get; init; } = [];
}

/// <summary>One watched series judged at the knee.</summary>
public sealed record BottleneckEvidence
{
    /// <summary>The resource name (<see cref="TargetResources.Name"/>), or <c>generator</c> / <c>errors</c>.</summary>
    public required string Resource { get; init; }

    /// <summary>The series (its display name with labels), e.g. <c>process_cpu_seconds_total</c> of source <c>demo</c>.</summary>
    public required string Series { get; init; }

    /// <summary>The source it came from.</summary>
    public required string Source { get; init; }

    /// <summary>The series' median value over the knee window, in <see cref="Unit"/>.</summary>
    public double? Value { get; init; }

    /// <summary>Its capacity, in <see cref="Unit"/>; <see langword="null"/> when unknown.</summary>
    public double? Capacity { get; init; }

    /// <summary>The unit of <see cref="Value"/> and <see cref="Capacity"/>.</summary>
    public required string Unit { get; init; }

    /// <summary><see cref="Value"/> over <see cref="Capacity"/>, 0 to 1 (more when over); <see langword="null"/> without a capacity.</summary>
    public double? Utilization { get; init; }

    /// <summary><c>saturated</c>, <c>high</c> or <c>idle</c>.</summary>
    public required string State { get; init; }

    /// <summary>The evidence in words, with what the series is: "CPU used by the server process: 1.97 of 2 cores (98%)".</summary>
    public required string Detail { get; init; }

    /// <summary>The measurement alone: "1.97 of 2 cores (98%)", "rising 0 → 37 requests".</summary>
    public string Measure { get; init; } = string.Empty;
}
