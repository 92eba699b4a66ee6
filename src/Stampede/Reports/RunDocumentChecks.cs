namespace Stampede.Reports;

/// <summary>A threshold (<c>--slo</c>) as measured at the end of the run.</summary>
internal sealed record RunDocumentThreshold
{
    /// <summary>The expression as written, e.g. <c>p95&lt;300ms</c>.</summary>
    public required string Expression { get; init; }

    /// <summary>The row it is scoped to, or null for every request together.</summary>
    public string? Row { get; init; }

    /// <summary>The metric as written: <c>p95</c>, <c>avg</c>, <c>error_rate</c>, <c>rps</c>.</summary>
    public required string Metric { get; init; }

    /// <summary>The unit of <see cref="Measured"/> and <see cref="Limit"/>: <c>ms</c>, <c>ratio</c>, <c>requests/s</c> or <c>count</c>.</summary>
    public required string Unit { get; init; }

    /// <summary>The limit, in <see cref="Unit"/>.</summary>
    public required double Limit { get; init; }

    /// <summary>The measured value, in <see cref="Unit"/>; null without data.</summary>
    public double? Measured { get; init; }

    /// <summary><c>pass</c>, <c>fail</c> or <c>noData</c>.</summary>
    public required string Result { get; init; }

    /// <summary>Whether it was written with <c>abort</c>.</summary>
    public required bool Abort { get; init; }

    /// <summary>Whether it stopped this run early.</summary>
    public required bool AbortedRun { get; init; }

    /// <summary>Why there is no data, when there is none.</summary>
    public string? Note { get; init; }
}

/// <summary>An SLO objective (<c>--slo-file</c>) as measured over the run.</summary>
internal sealed record RunDocumentSlo
{
    /// <summary>The objective's name.</summary>
    public required string Name { get; init; }

    /// <summary>The row it is scoped to, or null for every request together.</summary>
    public string? Row { get; init; }

    /// <summary><c>latency</c> or <c>errorRate</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Latency objectives: the slowest good response, ms.</summary>
    public double? LatencyLimitMs { get; init; }

    /// <summary>The share of requests that must be good, 0 to 1.</summary>
    public required double Target { get; init; }

    /// <summary><c>pass</c>, <c>fail</c> or <c>noData</c>.</summary>
    public required string Result { get; init; }

    /// <summary>Requests the objective covers (complete seconds).</summary>
    public required long Requests { get; init; }

    /// <summary>Of which bad (too slow, or failed).</summary>
    public required long BadRequests { get; init; }

    /// <summary>The share of good requests, 0 to 1.</summary>
    public required double Compliance { get; init; }

    /// <summary>Bad requests over the bad requests allowed: 0.4 = 40% of the error budget used; above 1 overspent.</summary>
    public required double ErrorBudgetConsumed { get; init; }

    /// <summary>The (up to) 60-second window with the lowest compliance; null without requests.</summary>
    public RunDocumentSloWindow? WorstWindow { get; init; }

    /// <summary>Why there is no data, when there is none.</summary>
    public string? Note { get; init; }
}

/// <summary>A window of consecutive seconds and how its requests fared against an objective.</summary>
internal sealed record RunDocumentSloWindow
{
    /// <summary>The first second (0 = the run's first).</summary>
    public required long StartSecond { get; init; }

    /// <summary>Length, seconds.</summary>
    public required int Seconds { get; init; }

    /// <summary>Requests in the window.</summary>
    public required long Requests { get; init; }

    /// <summary>Of which bad.</summary>
    public required long BadRequests { get; init; }

    /// <summary>The share of good requests, 0 to 1.</summary>
    public required double Compliance { get; init; }
}

/// <summary>The run compared with a baseline (<c>--baseline</c>).</summary>
internal sealed record RunDocumentBaselineComparison
{
    /// <summary>The baseline's file as given.</summary>
    public string? Source { get; init; }

    /// <summary>The relative change within which a metric is unchanged, 0 to 1.</summary>
    public required double Tolerance { get; init; }

    /// <summary>Each row (baseline order, new rows, then <c>Aggregated</c>).</summary>
    public required IReadOnlyList<RunDocumentRowComparison> Rows { get; init; }
}

/// <summary>One row, baseline against this run.</summary>
internal sealed record RunDocumentRowComparison
{
    /// <summary>The row's method; empty for the aggregated row.</summary>
    public required string Method { get; init; }

    /// <summary>The row's name.</summary>
    public required string Name { get; init; }

    /// <summary><c>unchanged</c>, <c>improved</c>, <c>regressed</c> or <c>notCompared</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>The metrics that decided the verdict, or why the row was not compared.</summary>
    public required string Reason { get; init; }

    /// <summary>p50, p95, p99, rps and errorRate; empty when not compared.</summary>
    public required IReadOnlyList<RunDocumentMetricComparison> Metrics { get; init; }
}

/// <summary>One metric of one row, baseline against this run.</summary>
internal sealed record RunDocumentMetricComparison
{
    /// <summary><c>p50</c>, <c>p95</c>, <c>p99</c> (ms), <c>rps</c> (requests/s) or <c>errorRate</c> (0 to 1).</summary>
    public required string Metric { get; init; }

    /// <summary>The baseline's value.</summary>
    public required double Baseline { get; init; }

    /// <summary>This run's value.</summary>
    public required double Current { get; init; }

    /// <summary>(current − baseline) / baseline; null when the baseline is 0 and the current value is not.</summary>
    public double? RelativeChange { get; init; }

    /// <summary>The significance test's two-sided p-value; null when too few seconds were there to test.</summary>
    public double? PValue { get; init; }

    /// <summary><c>unchanged</c>, <c>improved</c> or <c>regressed</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>Why, in words.</summary>
    public required string Reason { get; init; }
}
