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
        foreach (RowStats part in parts)
        {
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
                HistogramBase histogram = HistogramCodec.Decode(bytes);
                if (merged is null)
                {
                    merged = histogram;
                }
                else
                {
                    merged.Add(histogram);
                }
            }
        }

        if (requests == 0)
        {
            return new RowStats { Key = key };
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
        };
    }
}
