using System.Text.Json.Serialization;

namespace Stampede.Reports;

/// <summary>
/// The JSON run document (<c>--json</c>): a finished run's settings, statistics, per-second history,
/// failures and generator health. Its shape is the schema in docs/json-schema.md, owned here rather
/// than derived from the snapshot types so the file format changes only on purpose.
/// </summary>
internal sealed record RunDocument
{
    /// <summary>The schema version this build writes and reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Version of the document's shape; bumped on any incompatible change.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>The tool that wrote the document.</summary>
    public required RunDocumentTool Tool { get; init; }

    /// <summary>When and how the run ran.</summary>
    public required RunDocumentRun Run { get; init; }

    /// <summary>Whole-run statistics, one per (method, name), sorted by name then method.</summary>
    public required IReadOnlyList<RunDocumentRow> Rows { get; init; }

    /// <summary>Whole-run statistics of every request together.</summary>
    public required RunDocumentRow Aggregated { get; init; }

    /// <summary>Complete one-second intervals, oldest first.</summary>
    public required IReadOnlyList<RunDocumentInterval> History { get; init; }

    /// <summary>Failed requests grouped by method, name and reason, most frequent first.</summary>
    public required IReadOnlyList<RunDocumentFailure> Failures { get; init; }

    /// <summary>Exceptions thrown by user code, most frequent first.</summary>
    public required IReadOnlyList<RunDocumentError> Errors { get; init; }

    /// <summary>The load generator's own CPU use and warnings.</summary>
    public required RunDocumentGenerator Generator { get; init; }

    /// <summary>Warnings about the run itself (an unreachable target, a scoped threshold without its row), oldest first; absent when there were none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RunDocumentRunWarning>? Warnings { get; init; }

    /// <summary>VALID or INVALID with its reasons; absent in documents written before it existed.</summary>
    public RunDocumentValidity? Validity { get; init; }

    /// <summary>How an open-model run kept to its schedule; null in a closed-model run.</summary>
    public RunDocumentArrivals? Arrivals { get; init; }

    /// <summary>The thresholds (<c>--slo</c>) as measured at the end; absent when none were given.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RunDocumentThreshold>? Thresholds { get; init; }

    /// <summary>The SLO file's objectives as measured over the run; absent without <c>--slo-file</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RunDocumentSlo>? Slos { get; init; }

    /// <summary>The comparison with a baseline (<c>--baseline</c>); absent without one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RunDocumentBaselineComparison? Baseline { get; init; }

    /// <summary>The system under test as watched (<c>--metrics-url</c>, <c>--watch-pid</c>); absent when nothing was.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RunDocumentTarget? Target { get; init; }

    /// <summary>The run's analyses: <c>analysis.bottleneck</c>; absent in documents written before it existed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RunDocumentAnalysis? Analysis { get; init; }

    /// <summary>A distributed run's agents (docs/distributed.md); absent for a run on one machine.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RunDocumentCluster? Cluster { get; init; }
}

/// <summary>Whether a run's numbers can be trusted.</summary>
internal sealed record RunDocumentValidity
{
    /// <summary><c>VALID</c> or <c>INVALID</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>Why the run is invalid, one sentence each; empty when valid.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    /// <summary>What is only indicative (percentiles on too few samples, without <c>--strict</c>); absent in older documents.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Notes { get; init; }
}

/// <summary>The open-model schedule's totals (see <see cref="Metrics.ArrivalStats"/>).</summary>
internal sealed record RunDocumentArrivals
{
    /// <summary>The target rate at the end, iterations/s.</summary>
    public required double TargetRate { get; init; }

    /// <summary>The mean target rate over the run, iterations/s.</summary>
    public required double MeanTargetRate { get; init; }

    /// <summary>Iterations the schedule asked for (its rate integrated over the run).</summary>
    public required double ExpectedIterations { get; init; }

    /// <summary>Arrivals whose intended start came.</summary>
    public required long DueIterations { get; init; }

    /// <summary>Iterations a user started.</summary>
    public required long StartedIterations { get; init; }

    /// <summary>Arrivals dropped because no user was free.</summary>
    public required long DroppedIterations { get; init; }

    /// <summary>Started iterations per second.</summary>
    public required double AchievedRate { get; init; }

    /// <summary>The pool's limit (<c>--max-users</c>).</summary>
    public required int MaxUsers { get; init; }
}

/// <summary>The tool that wrote a run document.</summary>
internal sealed record RunDocumentTool
{
    /// <summary>Always <c>Stampede</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Its version, e.g. <c>0.1.0</c>.</summary>
    public required string Version { get; init; }
}
