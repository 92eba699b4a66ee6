using System.Text.Json;
using Stampede.Analysis;
using Stampede.Gates;

namespace Stampede.Reports;

/// <summary>Maps a run's checks into the run document's optional <c>thresholds</c>, <c>slos</c> and <c>baseline</c> fields.</summary>
internal static class RunDocumentChecksMapper
{
    /// <summary>The thresholds, or null when none were given.</summary>
    public static IReadOnlyList<RunDocumentThreshold>? Thresholds(GateResults gates) => gates.Thresholds.Count == 0 ? null :
    [
        .. gates.Thresholds.Select(t => new RunDocumentThreshold
        {
            Expression = t.Threshold.Expression,
            Row = t.Threshold.Row,
            Metric = t.Threshold.MetricName,
            Unit = t.Threshold.Unit,
            Limit = t.Threshold.Limit,
            Measured = t.Measured,
            Result = Outcome(t.Outcome),
            Abort = t.Threshold.Abort,
            AbortedRun = gates.AbortedBy.Any(a => ReferenceEquals(a.Threshold, t.Threshold)),
            Note = t.Note,
        }),
    ];

    /// <summary>The SLO objectives, or null when no SLO file was given.</summary>
    public static IReadOnlyList<RunDocumentSlo>? Slos(GateResults gates) => gates.Slos.Count == 0 ? null :
    [
        .. gates.Slos.Select(s => new RunDocumentSlo
        {
            Name = s.Objective.Name,
            Row = s.Objective.Row,
            Kind = Camel(s.Objective.Kind),
            LatencyLimitMs = s.Objective.Kind == SloKind.Latency ? s.Objective.LatencyLimitMs : null,
            Target = s.Objective.Target,
            Result = Outcome(s.Outcome),
            Requests = s.Requests,
            BadRequests = s.BadRequests,
            Compliance = s.Compliance,
            ErrorBudgetConsumed = s.ErrorBudgetConsumed,
            WorstWindow = s.WorstWindow is { } w
                ? new RunDocumentSloWindow { StartSecond = w.StartSecond, Seconds = w.Seconds, Requests = w.Requests, BadRequests = w.BadRequests, Compliance = w.Compliance }
                : null,
            Note = s.Note,
        }),
    ];

    /// <summary>The baseline comparison, or null without a baseline.</summary>
    public static RunDocumentBaselineComparison? Baseline(GateResults gates) => gates.Comparisons.Count == 0 ? null : new()
    {
        Source = gates.BaselinePath,
        Tolerance = gates.Tolerance,
        Rows =
        [
            .. gates.Comparisons.Select(c => new RunDocumentRowComparison
            {
                Method = c.Method,
                Name = c.Name,
                Verdict = Camel(c.Verdict),
                Reason = c.Reason,
                Metrics =
                [
                    .. c.Metrics.Select(m => new RunDocumentMetricComparison
                    {
                        Metric = m.Metric switch
                        {
                            BaselineMetric.P50 => "p50",
                            BaselineMetric.P95 => "p95",
                            BaselineMetric.P99 => "p99",
                            BaselineMetric.RequestsPerSecond => "rps",
                            _ => "errorRate",
                        },
                        Baseline = m.Baseline,
                        Current = m.Current,
                        RelativeChange = double.IsFinite(m.RelativeChange) ? m.RelativeChange : null,
                        PValue = m.PValue,
                        Verdict = Camel(m.Verdict),
                        Reason = m.Reason,
                    }),
                ],
            }),
        ],
    };

    /// <summary>A verdict as the run document and the dashboard write it: <c>pass</c>, <c>fail</c> or <c>noData</c>.</summary>
    internal static string Outcome(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Passed => "pass",
        CheckOutcome.Failed => "fail",
        _ => "noData",
    };

    private static string Camel<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
