using Stampede.Metrics;

namespace Stampede.Analysis;

/// <summary>Measures thresholds against a snapshot: live (to abort) and at the end (for the verdict).</summary>
internal static class ThresholdEvaluator
{
    /// <summary>Every threshold measured against <paramref name="snapshot"/>, in order.</summary>
    public static IReadOnlyList<ThresholdResult> Evaluate(IEnumerable<Threshold> thresholds, StatsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        return [.. thresholds.Select(t => Evaluate(t, snapshot))];
    }

    /// <summary>One threshold measured against <paramref name="snapshot"/> (whole-run rows so far).</summary>
    public static ThresholdResult Evaluate(Threshold threshold, StatsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        ArgumentNullException.ThrowIfNull(snapshot);
        RowStats? row = RowSelector.Select(snapshot.Rows, snapshot.Total, threshold.Row, out string? problem);
        if (row is null || row.Requests == 0)
        {
            return new ThresholdResult(threshold, CheckOutcome.NoData, null, problem ?? "no requests");
        }

        double? measured = Measure(threshold, row, snapshot.History);
        return measured is { } value
            ? new ThresholdResult(threshold, threshold.IsMetBy(value) ? CheckOutcome.Passed : CheckOutcome.Failed, value)
            : new ThresholdResult(threshold, CheckOutcome.NoData, null, threshold.IsLlm
                ? $"no completed LLM streams with a {threshold.MetricName} (the Llm client's streamed requests are measured)"
                : $"{threshold.MetricName} needs the run's histograms");
    }

    /// <summary>
    /// The <see cref="Threshold.Abort"/> thresholds that fail on <paramref name="live"/>, once
    /// <see cref="StatsSnapshot.Elapsed"/> has passed each one's <see cref="Threshold.AbortGrace"/>;
    /// the run should stop when this is not empty.
    /// </summary>
    /// <remarks>A threshold without data never aborts: the rows may simply not have started yet.</remarks>
    public static IReadOnlyList<ThresholdResult> FindAborts(IEnumerable<Threshold> thresholds, StatsSnapshot live)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(live);
        return
        [
            .. thresholds
                .Where(t => t.Abort && live.Elapsed >= t.AbortGrace)
                .Select(t => Evaluate(t, live))
                .Where(r => r.Outcome == CheckOutcome.Failed),
        ];
    }

    private static double? Measure(Threshold threshold, RowStats row, IReadOnlyList<IntervalStats> history) => threshold.Metric switch
    {
        ThresholdMetric.Percentile => LatencyHistograms.Percentile(row, threshold.Percentile, history),
        ThresholdMetric.Median => row.MedianMs,
        ThresholdMetric.Average => row.AverageMs,
        ThresholdMetric.Min => row.MinMs,
        ThresholdMetric.Max => row.MaxMs,
        ThresholdMetric.ErrorRate => row.FailureRatio,
        ThresholdMetric.RequestsPerSecond => row.RequestsPerSecond,
        ThresholdMetric.Requests => row.Requests,
        ThresholdMetric.Failures => row.Failures,
        _ => MeasureLlm(threshold, row),
    };

    /// <summary>An LLM metric of the row's completed streams; <see langword="null"/> (no data) when it has none, or none with that figure (TPOT needs 2 tokens, ITL 2 events).</summary>
    private static double? MeasureLlm(Threshold threshold, RowStats row)
    {
        if (row.Llm is not { Requests: > 0 } llm)
        {
            return null;
        }

        LlmDistribution? distribution = threshold.Metric switch
        {
            ThresholdMetric.Ttft => llm.TtftMs,
            ThresholdMetric.Itl => llm.ItlMs,
            ThresholdMetric.Tpot => llm.TpotMs,
            ThresholdMetric.E2e => llm.E2eMs,
            _ => null,
        };
        return distribution switch
        {
            null => llm.OutputTokensPerSecond,
            { Count: 0 } => null,
            _ => distribution.Get(threshold.Percentile),
        };
    }

    /// <summary>
    /// Whether <paramref name="threshold"/> holds on one second's own requests: latency (ms), error rate and rps of that
    /// second. Counts (<c>requests</c>, <c>failures</c>) only have a meaning over the whole run and are not judged per second;
    /// nor is a scoped row that completed nothing in the second.
    /// </summary>
    public static bool HoldsOnSecond(Threshold threshold, IntervalStats interval)
    {
        RowStats? row = RowSelector.Select(interval.Rows, interval.Total, threshold.Row, out _);
        if (row is null || row.Requests == 0)
        {
            return true;
        }

        double? measured = threshold.Metric switch
        {
            ThresholdMetric.Percentile => LatencyHistograms.Percentile(row, threshold.Percentile, []),
            ThresholdMetric.Median => row.MedianMs,
            ThresholdMetric.Average => row.AverageMs,
            ThresholdMetric.Min => row.MinMs,
            ThresholdMetric.Max => row.MaxMs,
            ThresholdMetric.ErrorRate => row.FailureRatio,
            ThresholdMetric.RequestsPerSecond => row.RequestsPerSecond,
            ThresholdMetric.Requests or ThresholdMetric.Failures => null,
            _ => MeasureLlm(threshold, row),
        };
        return measured is not { } value || threshold.IsMetBy(value);
    }
}
