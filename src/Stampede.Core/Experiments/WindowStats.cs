using HdrHistogram;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Experiments;

/// <summary>
/// A span of a run's one-second history as one snapshot: each row's and the total's histograms merged exactly,
/// so thresholds measure the span as they would a whole run.
/// </summary>
internal static class WindowStats
{
    /// <summary>The snapshot of history seconds [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static StatsSnapshot Of(IReadOnlyList<IntervalStats> history, long from, long to)
    {
        IntervalStats[] window = [.. history.Where(i => i.Second >= from && i.Second < to)];
        double seconds = Math.Max(1e-9, window.Sum(i => i.DurationSeconds));
        RowStats total = Merge(new RowKey(string.Empty, "Aggregated"), window.Select(i => i.Total), seconds);
        RowStats[] rows =
        [
            .. window.SelectMany(i => i.Rows).GroupBy(r => r.Key)
                .Select(g => Merge(g.Key, g, seconds))
                .OrderBy(r => r.Key.Name, StringComparer.Ordinal).ThenBy(r => r.Key.Method, StringComparer.Ordinal),
        ];
        DateTimeOffset start = window.Length > 0 ? window[0].Start : DateTimeOffset.UnixEpoch;
        return new StatsSnapshot
        {
            StartedAt = start,
            Timestamp = start + TimeSpan.FromSeconds(seconds),
            Elapsed = TimeSpan.FromSeconds(seconds),
            Rows = rows,
            Total = total,
            Failures = [],
            Errors = [],
            History = [.. window],
            Generator = new GeneratorHealth(),
        };
    }

    private static RowStats Merge(RowKey key, IEnumerable<RowStats> parts, double seconds)
    {
        HistogramBase? merged = null;
        long requests = 0;
        long failures = 0;
        double sum = 0;
        double min = double.PositiveInfinity;
        double max = 0;
        var llm = new List<LlmStats>();
        foreach (RowStats part in parts)
        {
            if (part.Llm is { } streams)
            {
                llm.Add(streams);
            }

            if (part.Requests == 0)
            {
                continue;
            }

            requests += part.Requests;
            failures += part.Failures;
            sum += part.AverageMs * part.Requests;
            min = Math.Min(min, part.MinMs);
            max = Math.Max(max, part.MaxMs);
            if (part.Histogram is { } bytes)
            {
                merged = Add(merged, bytes);
            }
        }

        if (requests == 0)
        {
            return new RowStats { Key = key, Llm = MergeLlm(llm, seconds) };
        }

        PercentileValue[] percentiles = merged is null ? [] :
        [
            .. Percentiles.Standard.Select(p => new PercentileValue(p, Math.Round(Math.Clamp(merged.GetValueAtPercentile(p) / 1000.0, min, Math.Max(min, max)), 3))),
        ];
        return new RowStats
        {
            Key = key,
            Requests = requests,
            Failures = failures,
            MinMs = min,
            MaxMs = max,
            AverageMs = Math.Round(sum / requests, 3),
            MedianMs = percentiles.Length > 0 ? percentiles[0].ValueMs : 0,
            Percentiles = percentiles,
            RequestsPerSecond = requests / seconds,
            FailuresPerSecond = failures / seconds,
            Histogram = merged is null ? null : HistogramCodec.Encode(merged),
            Llm = MergeLlm(llm, seconds),
        };
    }

    /// <summary>The LLM statistics of the span: each distribution's histograms merged, counts and tokens summed; null without streams.</summary>
    private static LlmStats? MergeLlm(List<LlmStats> parts, double seconds)
    {
        if (parts.Count == 0)
        {
            return null;
        }

        long requests = parts.Sum(p => p.Requests);
        long inputCounted = parts.Sum(p => p.InputTokensCounted);
        long inputTokens = parts.Sum(p => p.InputTokensTotal);
        long outputTokens = parts.Sum(p => p.OutputTokensTotal);
        string[] sources = [.. parts.Select(p => p.TokenSource).Distinct(StringComparer.Ordinal)];
        GoodputStats? goodput = null;
        if (parts.FirstOrDefault(p => p.Goodput is not null)?.Goodput is { } first)
        {
            long good = parts.Sum(p => p.Goodput?.GoodRequests ?? 0);
            goodput = new GoodputStats
            {
                Bounds = first.Bounds,
                GoodRequests = good,
                Share = requests == 0 ? 0 : Math.Round(good / (double)requests, 5),
                PerSecond = good / seconds,
            };
        }

        return new LlmStats
        {
            Requests = requests,
            TtftMs = MergeDistribution(parts.Select(p => p.TtftMs), 1000),
            ItlMs = MergeDistribution(parts.Select(p => p.ItlMs), 1000),
            TpotMs = MergeDistribution(parts.Select(p => p.TpotMs), 1000),
            E2eMs = MergeDistribution(parts.Select(p => p.E2eMs), 1000),
            OutputTokens = MergeDistribution(parts.Select(p => p.OutputTokens), 1),
            OutputTokensTotal = outputTokens,
            InputTokensTotal = inputTokens,
            InputTokensCounted = inputCounted,
            InputTokensMean = inputCounted == 0 ? null : Math.Round(inputTokens / (double)inputCounted, 3),
            OutputTokensPerSecond = outputTokens / seconds,
            RequestsPerSecond = requests / seconds,
            TokenSource = sources.Length == 1 ? sources[0] : "mixed",
            Goodput = goodput,
        };
    }

    /// <summary>One LLM distribution over the span, from the seconds' histograms (values in µs, or tokens: <paramref name="divisor"/> 1000 or 1).</summary>
    private static LlmDistribution MergeDistribution(IEnumerable<LlmDistribution> parts, double divisor)
    {
        HistogramBase? merged = null;
        long count = 0;
        double sum = 0;
        double min = double.PositiveInfinity;
        double max = 0;
        foreach (LlmDistribution part in parts)
        {
            if (part.Count == 0 || part.Histogram is not { } bytes)
            {
                continue;
            }

            count += part.Count;
            sum += part.Mean * part.Count;
            min = Math.Min(min, part.Min);
            max = Math.Max(max, part.Max);
            merged = Add(merged, bytes);
        }

        return merged is null ? LlmDistribution.Empty : LlmDistribution.Of(merged, divisor, sum / count, min, max, keepHistogram: false);
    }

    /// <summary>Adds the encoded histogram to <paramref name="merged"/> (the first one decoded becomes it).</summary>
    private static HistogramBase Add(HistogramBase? merged, byte[] encoded)
    {
        HistogramBase histogram = HistogramCodec.Decode(encoded);
        if (merged is null)
        {
            return histogram;
        }

        merged.Add(histogram);
        return merged;
    }
}
