namespace Stampede.Reports;

/// <summary>Results of the run's analyses (<c>analysis.*</c>): the bottleneck now; capacity, breaking point, autoscaling, cold start and drift as they come.</summary>
internal sealed record RunDocumentAnalysis
{
    /// <summary>What limited the system under test (see <see cref="Analysis.BottleneckAnalysis"/>).</summary>
    public RunDocumentBottleneck? Bottleneck { get; init; }

    /// <summary>Each series' drift over the run (<c>--soak</c> fails on rising latency or memory); absent when the run had fewer than 60 s after its warm-up.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RunDocumentDrift>? Drift { get; init; }

    /// <summary>With <c>--soak</c> on a run too short to judge drift: why, a failed check; absent otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? SoakNoData { get; init; }

    /// <summary>The autoscaling verdict (<c>--expect-scale</c>); absent without one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public RunDocumentAutoscaling? Autoscaling { get; init; }

    /// <summary>The capacity search (<c>--find-capacity</c>); absent without one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public RunDocumentCapacity? Capacity { get; init; }

    /// <summary>The stress test (<c>--stress</c>); absent without one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public RunDocumentBreakingPoint? BreakingPoint { get; init; }

    /// <summary>The cold start of a target Stampede started (<c>--target-command</c>); absent without one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public RunDocumentColdStart? ColdStart { get; init; }
}

/// <summary>The bottleneck verdict and its evidence.</summary>
internal sealed record RunDocumentBottleneck
{
    /// <summary>A resource name, <c>generator</c>, <c>errors</c>, <c>unknown</c> or <c>none</c>.</summary>
    public required string Resource { get; init; }

    /// <summary>The verdict as a sentence with its evidence.</summary>
    public required string Summary { get; init; }

    /// <summary>How the knee was found; null without one.</summary>
    public string? KneeKind { get; init; }

    /// <summary>The history second of the knee; null without one.</summary>
    public long? AtSecond { get; init; }

    /// <summary>Offered load at the knee (users, or iterations/s).</summary>
    public double? OfferedAtKnee { get; init; }

    /// <summary><c>users</c> or <c>iterations/s</c>.</summary>
    public string? OfferedUnit { get; init; }

    /// <summary>Successful requests/s on the plateau from the knee on.</summary>
    public double? ThroughputAtKnee { get; init; }

    /// <summary>The aggregated p50 at the knee, ms.</summary>
    public double? P50AtKneeMs { get; init; }

    /// <summary>Each watched resource's state at the knee, the named one first.</summary>
    public required IReadOnlyList<RunDocumentEvidence> Evidence { get; init; }

    /// <summary>Resources some source measured.</summary>
    public required IReadOnlyList<string> Watched { get; init; }

    /// <summary>Resources nothing measured.</summary>
    public required IReadOnlyList<string> NotWatched { get; init; }

    /// <summary>What to add or change for a firmer answer.</summary>
    public required IReadOnlyList<string> Advice { get; init; }
}

/// <summary>One resource judged at the knee.</summary>
internal sealed record RunDocumentEvidence
{
    /// <summary>The resource name, or <c>generator</c> / <c>errors</c>.</summary>
    public required string Resource { get; init; }

    /// <summary>The series, with labels.</summary>
    public required string Series { get; init; }

    /// <summary>Its source.</summary>
    public required string Source { get; init; }

    /// <summary>Its median over the knee window.</summary>
    public double? Value { get; init; }

    /// <summary>Its capacity; null when unknown.</summary>
    public double? Capacity { get; init; }

    /// <summary>The unit of value and capacity.</summary>
    public required string Unit { get; init; }

    /// <summary>Value over capacity; null without a capacity.</summary>
    public double? Utilization { get; init; }

    /// <summary><c>saturated</c>, <c>high</c> or <c>idle</c>.</summary>
    public required string State { get; init; }

    /// <summary>The evidence in words.</summary>
    public required string Detail { get; init; }
}
