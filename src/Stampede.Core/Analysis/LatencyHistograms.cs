using HdrHistogram;
using HdrHistogram.Iteration;
using Stampede.Metrics;

namespace Stampede.Analysis;

/// <summary>Reads response-time percentiles and counts out of the encoded HDR histograms of <see cref="RowStats"/>.</summary>
internal static class LatencyHistograms
{
    /// <summary>
    /// The response time at <paramref name="percentile"/>, ms: from <see cref="RowStats.Percentiles"/>
    /// when it is one of <see cref="Percentiles.Standard"/>, else from the row's histogram, else from the
    /// row's per-second histograms in <paramref name="history"/> merged.
    /// </summary>
    /// <returns>The value, or <see langword="null"/> when there is no histogram to read it from.</returns>
    public static double? Percentile(RowStats row, double percentile, IReadOnlyList<IntervalStats> history)
    {
        if (Percentiles.Standard.Contains(percentile) && row.Percentiles.Count > 0)
        {
            return row.GetPercentile(percentile);
        }

        HistogramBase? histogram = row.Histogram is { } bytes ? HistogramCodec.Decode(bytes) : Merge(row.Key, history);
        if (histogram is null || histogram.TotalCount == 0)
        {
            return null;
        }

        // As RowStats does: the bucket's highest equivalent value, clamped to the exact extremes.
        double ms = histogram.GetValueAtPercentile(percentile) / 1000.0;
        return Math.Round(Math.Clamp(ms, row.MinMs, Math.Max(row.MinMs, row.MaxMs)), 3);
    }

    /// <summary>Requests of <paramref name="row"/> that took longer than <paramref name="limitMs"/>.</summary>
    /// <remarks>
    /// Exact to the histogram's precision (3 significant digits: a request within 0.1% above the limit
    /// may count as within it). A row without a histogram is estimated from its standard percentiles,
    /// rounding towards more slow requests.
    /// </remarks>
    public static long CountSlowerThan(RowStats row, double limitMs)
    {
        if (row.Requests == 0 || row.MaxMs <= limitMs)
        {
            return 0;
        }

        if (row.Histogram is { } bytes)
        {
            HistogramBase histogram = HistogramCodec.Decode(bytes);
            long micros = (long)Math.Floor(limitMs * 1000);
            long slow = 0;
            foreach (HistogramIterationValue value in histogram.RecordedValues())
            {
                // A bucket that holds the limit counts as within it: its values are within 0.1% of the limit.
                if (histogram.LowestEquivalentValue(value.ValueIteratedTo) > micros)
                {
                    slow += value.CountAtValueIteratedTo;
                }
            }

            return slow;
        }

        double withinShare = 0;
        foreach (PercentileValue value in row.Percentiles)
        {
            if (value.ValueMs <= limitMs)
            {
                withinShare = value.Percentile / 100;
            }
        }

        return row.Requests - (long)Math.Floor(row.Requests * withinShare);
    }

    private static HistogramBase? Merge(RowKey key, IReadOnlyList<IntervalStats> history)
    {
        HistogramBase? merged = null;
        foreach (IntervalStats interval in history)
        {
            RowStats? row = key.Method.Length == 0 && key.Name == interval.Total.Key.Name
                ? interval.Total
                : FindRow(interval.Rows, key);
            if (row?.Histogram is not { } bytes)
            {
                continue;
            }

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

        return merged;
    }

    private static RowStats? FindRow(IReadOnlyList<RowStats> rows, RowKey key)
    {
        foreach (RowStats row in rows)
        {
            if (row.Key == key)
            {
                return row;
            }
        }

        return null;
    }
}
