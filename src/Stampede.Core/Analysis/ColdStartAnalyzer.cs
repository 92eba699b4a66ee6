using System.Globalization;
using Stampede.Load;
using Stampede.Metrics;

namespace Stampede.Analysis;

/// <summary>Compares the first requests of each measured cold start with the main run's steady state (<see cref="ColdStartAnalysis"/>).</summary>
internal static class ColdStartAnalyzer
{
    /// <summary>The analysis of <paramref name="options"/>' <see cref="LoadTestOptions.ColdStartTrials"/> against <paramref name="final"/>; <see langword="null"/> without trials.</summary>
    public static ColdStartAnalysis? Analyze(StatsSnapshot final, LoadTestOptions options) =>
        Analyze(options.ColdStartTrials, final.History, options.Warmup);

    /// <summary>The analysis of <paramref name="trials"/> against the main run's <paramref name="history"/>, leaving out its first <paramref name="warmup"/>.</summary>
    /// <returns>The analysis, or <see langword="null"/> when there is no trial.</returns>
    public static ColdStartAnalysis? Analyze(IReadOnlyList<ColdStartTrial> trials, IReadOnlyList<IntervalStats> history, TimeSpan warmup)
    {
        if (trials.Count == 0)
        {
            return null;
        }

        // Whole seconds: the history's resolution. A warm-up of 2.5 s leaves out seconds 0, 1 and 2.
        long warmupSeconds = (long)Math.Ceiling(Math.Round(warmup.TotalSeconds, 6));
        long end = history.Count == 0 ? 0 : history[^1].Second + 1;

        var keys = new List<RowKey>();
        foreach (ColdStartTrial trial in trials)
        {
            foreach (FirstRequestSample sample in trial.FirstRequests.OrderBy(s => s.SentAfterReadyMs))
            {
                if (!keys.Contains(sample.Row))
                {
                    keys.Add(sample.Row);
                }
            }
        }

        var rows = new List<ColdStartRow>(keys.Count);
        foreach (RowKey key in keys)
        {
            double?[] first = [.. trials.Select(t => FirstOf(t, key))];
            (long requests, _, double? p50, _) = Window(history, warmupSeconds, long.MaxValue, key);
            double? median = Median(first);
            rows.Add(new ColdStartRow
            {
                Key = key,
                FirstRequestMs = first,
                SteadyP50Ms = p50,
                SteadyRequests = requests,
                PenaltyMs = median is { } m && p50 is { } s ? Math.Round(m - s, 3) : null,
            });
        }

        ColdStartRow? headline = rows.Count > 0 ? rows[0] : null;
        ColdStartWindow? warm = warmupSeconds > 0 ? ToWindow(history, 0, Math.Min(warmupSeconds, end), null) : null;
        ColdStartWindow steady = ToWindow(history, Math.Min(warmupSeconds, end), end, null);
        double[] ready = [.. trials.Select(t => Math.Round(t.ReadySeconds, 4))];
        return new ColdStartAnalysis
        {
            Command = trials[0].Command,
            ReadyUrl = trials[0].ReadyUrl,
            ReadySeconds = ready,
            Row = headline?.Key,
            FirstRequestMs = headline?.FirstRequestMs ?? [.. trials.Select(_ => (double?)null)],
            SteadyP50Ms = headline?.SteadyP50Ms,
            PenaltyMs = headline?.PenaltyMs,
            Rows = rows,
            WarmupSeconds = warmupSeconds,
            Warmup = warm,
            Steady = steady,
            Summary = Describe(ready, headline, warmupSeconds, steady),
        };
    }

    /// <summary>The median of the values present; <see langword="null"/> when none is.</summary>
    internal static double? Median(IEnumerable<double?> values)
    {
        double[] present = [.. values.Where(v => v is not null).Select(v => v!.Value).Order()];
        if (present.Length == 0)
        {
            return null;
        }

        int middle = present.Length / 2;
        return present.Length % 2 == 1 ? present[middle] : (present[middle - 1] + present[middle]) / 2;
    }

    private static double? FirstOf(ColdStartTrial trial, RowKey key)
    {
        FirstRequestSample? first = null;
        foreach (FirstRequestSample sample in trial.FirstRequests)
        {
            if (sample.Row == key && (first is null || sample.SentAfterReadyMs < first.SentAfterReadyMs))
            {
                first = sample;
            }
        }

        return first?.LatencyMs;
    }

    private static ColdStartWindow ToWindow(IReadOnlyList<IntervalStats> history, long from, long to, RowKey? key)
    {
        (long requests, long failures, double? p50, double? p95) = Window(history, from, to, key);
        return new ColdStartWindow { FromSecond = from, ToSecond = Math.Max(from, to), Requests = requests, Failures = failures, P50Ms = p50, P95Ms = p95 };
    }

    /// <summary>
    /// Requests, failures, p50 and p95 of one row (or, for a <see langword="null"/> key, of every request) over the
    /// history seconds [<paramref name="from"/>, <paramref name="to"/>), from the exact merge of their histograms.
    /// </summary>
    private static (long Requests, long Failures, double? P50, double? P95) Window(IReadOnlyList<IntervalStats> history, long from, long to, RowKey? key)
    {
        StatsSnapshot window = Experiments.WindowStats.Of(history, from, to);
        RowStats? row = key is { } k ? window.Rows.FirstOrDefault(r => r.Key == k) : window.Total;
        if (row is null || row.Requests == 0)
        {
            return (0, 0, null, null);
        }

        return row.Percentiles.Count == 0 ? (row.Requests, row.Failures, null, null) : (row.Requests, row.Failures, row.GetPercentile(50), row.GetPercentile(95));
    }

    private static string Describe(double[] ready, ColdStartRow? row, long warmupSeconds, ColdStartWindow steady)
    {
        var text = new System.Text.StringBuilder();
        text.Append(ready.Length == 1
            ? string.Create(CultureInfo.InvariantCulture, $"Cold start: ready in {ready[0]:0.00} s")
            : string.Create(CultureInfo.InvariantCulture, $"Cold start: ready in {Median(ready.Select(r => (double?)r)):0.00} s (median of {ready.Length} starts, {ready.Min():0.00}–{ready.Max():0.00} s)"));
        if (row is null)
        {
            text.Append("; no first request was sent after ready.");
            return text.ToString();
        }

        string name = $"{row.Key.Method} {row.Key.Name}".Trim();
        double? first = Median(row.FirstRequestMs);
        string took = first is { } f
            ? string.Create(CultureInfo.InvariantCulture, $"{(row.FirstRequestMs.Count == 1 ? "the first" : "the median first")} {name} took {Ms(f)} ms")
            : $"no first {name} was measured";
        text.Append("; ").Append(took);
        string after = warmupSeconds > 0 ? string.Create(CultureInfo.InvariantCulture, $" (after a {warmupSeconds} s warm-up)") : string.Empty;
        if (row.SteadyP50Ms is { } p50 && row.PenaltyMs is { } penalty)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture, $", {Ms(Math.Abs(penalty))} ms {(penalty >= 0 ? "over" : "under")} its steady p50 of {Ms(p50)} ms{after}."));
        }
        else
        {
            text.Append(steady.Requests == 0
                ? $"; the main run completed no request{after} to compare it with."
                : $"; the main run completed no {name}{after} to compare it with.");
        }

        return text.ToString();
    }

    private static string Ms(double ms) => ms.ToString(ms >= 100 ? "0" : ms >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
}
