using Stampede.Metrics;

namespace Stampede.Analysis;

/// <summary>Measures SLO objectives over a run's per-second history.</summary>
/// <remarks>
/// Counts come from the complete one-second intervals of <see cref="StatsSnapshot.History"/>: a slow
/// request is one above the limit in the interval's HDR histogram (3 significant digits), so a request
/// within 0.1% above the limit may count as good. Failed requests count by their latency in a latency
/// objective; the error-rate objective counts them.
/// </remarks>
internal static class SloEvaluator
{
    /// <summary>The length of the worst window the report names.</summary>
    public const int WindowSeconds = 60;

    /// <summary>Every objective measured against <paramref name="snapshot"/>, in order.</summary>
    public static IReadOnlyList<SloResult> Evaluate(IEnumerable<SloObjective> objectives, StatsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(objectives);
        return [.. objectives.Select(o => Evaluate(o, snapshot))];
    }

    /// <summary>One objective measured against <paramref name="snapshot"/>.</summary>
    public static SloResult Evaluate(SloObjective objective, StatsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(snapshot);
        RowStats? row = RowSelector.Select(snapshot.Rows, snapshot.Total, objective.Row, out string? problem);
        if (row is null)
        {
            return new SloResult(objective, CheckOutcome.NoData, 0, 0, null, problem);
        }

        bool total = ReferenceEquals(row, snapshot.Total);
        var seconds = new (long Requests, long Bad)[snapshot.History.Count];
        long requests = 0;
        long bad = 0;
        for (int i = 0; i < seconds.Length; i++)
        {
            IntervalStats interval = snapshot.History[i];
            RowStats? inInterval = total ? interval.Total : interval.Rows.FirstOrDefault(r => r.Key == row.Key);
            seconds[i] = inInterval is null ? default : (inInterval.Requests, CountBad(objective, inInterval));
            requests += seconds[i].Requests;
            bad += seconds[i].Bad;
        }

        if (requests == 0)
        {
            return new SloResult(objective, CheckOutcome.NoData, 0, 0, null, "no requests in the completed seconds");
        }

        bool met = bad <= (objective.AllowedBadRatio * requests) + 1e-9;
        return new SloResult(objective, met ? CheckOutcome.Passed : CheckOutcome.Failed, requests, bad, WorstWindow(snapshot.History, seconds));
    }

    private static long CountBad(SloObjective objective, RowStats row) => objective.Kind == SloKind.ErrorRate
        ? row.Failures
        : LatencyHistograms.CountSlowerThan(row, objective.LatencyLimitMs);

    /// <summary>The window of <see cref="WindowSeconds"/> consecutive seconds (or the whole run, if shorter) with the highest share of bad requests.</summary>
    private static SloWindow? WorstWindow(IReadOnlyList<IntervalStats> history, (long Requests, long Bad)[] seconds)
    {
        int length = Math.Min(WindowSeconds, seconds.Length);
        long requests = 0;
        long bad = 0;
        SloWindow? worst = null;
        for (int end = 0; end < seconds.Length; end++)
        {
            requests += seconds[end].Requests;
            bad += seconds[end].Bad;
            int start = end - length + 1;
            if (start < 0)
            {
                continue;
            }

            // Compare bad shares by cross-multiplication: exact in integers, and the earliest wins ties.
            if (requests > 0 && (worst is null || (bad * worst.Requests) > (worst.BadRequests * requests)))
            {
                worst = new SloWindow(history[start].Second, length, requests, bad);
            }

            requests -= seconds[start].Requests;
            bad -= seconds[start].Bad;
        }

        return worst;
    }
}
