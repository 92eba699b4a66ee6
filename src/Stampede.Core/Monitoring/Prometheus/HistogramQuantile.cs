namespace Stampede.Monitoring.Prometheus;

/// <summary>Quantiles estimated from cumulative histogram buckets, as PromQL's <c>histogram_quantile</c> computes them.</summary>
internal static class HistogramQuantile
{
    /// <summary>Estimates the <paramref name="q"/>-quantile of the observations a histogram's buckets count.</summary>
    /// <param name="buckets">
    /// Each bucket's upper bound (the <c>le</c> label, in the metric's unit) and the count of observations at or below it;
    /// the <c>+Inf</c> bucket, holding the total, is required. Given in any order; sorted by bound when they are not.
    /// </param>
    /// <param name="q">The quantile, 0 to 1 (0.99 for p99).</param>
    /// <returns>
    /// The estimate, in the unit of the bounds. <see cref="double.NaN"/> when the total count is 0, there are fewer than
    /// two buckets, there is no <c>+Inf</c> bucket, or a bound or count is NaN or a count is infinite; like Prometheus,
    /// negative infinity for <paramref name="q"/> below 0 and positive infinity above 1.
    /// </returns>
    /// <remarks>
    /// Observations are assumed spread evenly inside their bucket (linear interpolation); the lowest bucket is
    /// interpolated from 0 when its bound is above 0 and is its bound otherwise; a quantile that falls in the
    /// <c>+Inf</c> bucket is the highest finite bound, since nothing is known above it. Counts that decrease from one
    /// bucket to the next (a scrape racing the observations) are raised to the count below, as Prometheus does. One
    /// deviation: for <paramref name="q"/> = 0 Prometheus divides 0 by 0 when the lowest bucket is empty; this returns
    /// the lower bound of the first bucket that holds an observation.
    /// </remarks>
    public static double Estimate(ReadOnlySpan<(double UpperBound, double CumulativeCount)> buckets, double q)
    {
        if (double.IsNaN(q))
        {
            return double.NaN;
        }

        if (q < 0)
        {
            return double.NegativeInfinity;
        }

        if (q > 1)
        {
            return double.PositiveInfinity;
        }

        if (buckets.Length < 2)
        {
            return double.NaN;
        }

        bool sorted = true;
        for (int i = 0; i < buckets.Length; i++)
        {
            (double bound, double count) = buckets[i];
            if (double.IsNaN(bound) || !double.IsFinite(count))
            {
                return double.NaN;
            }

            if (i > 0 && bound < buckets[i - 1].UpperBound)
            {
                sorted = false;
            }
        }

        if (sorted)
        {
            return EstimateSorted(buckets, q);
        }

        var copy = buckets.ToArray();
        Array.Sort(copy, static (a, b) => a.UpperBound.CompareTo(b.UpperBound));
        return EstimateSorted(copy, q);
    }

    private static double EstimateSorted(ReadOnlySpan<(double UpperBound, double CumulativeCount)> buckets, double q)
    {
        int last = buckets.Length - 1;
        if (!double.IsPositiveInfinity(buckets[last].UpperBound))
        {
            return double.NaN;
        }

        double total = double.NegativeInfinity;
        foreach ((double _, double count) in buckets)
        {
            total = Math.Max(total, count);
        }

        if (!(total > 0))
        {
            return double.NaN;
        }

        double rank = q * total;

        // The first finite bucket whose (monotonic) count reaches the rank; for q = 0, the first that holds anything.
        double countBelow = double.NegativeInfinity;
        int index = last;
        for (int i = 0; i < last; i++)
        {
            double count = Math.Max(countBelow, buckets[i].CumulativeCount);
            if (rank > 0 ? count >= rank : count > 0)
            {
                index = i;
                break;
            }

            countBelow = count;
        }

        if (index == last)
        {
            return buckets[last - 1].UpperBound;
        }

        double upper = buckets[index].UpperBound;
        if (index == 0 && upper <= 0)
        {
            return upper;
        }

        double lower = index == 0 ? 0 : buckets[index - 1].UpperBound;
        double before = index == 0 ? 0 : countBelow;
        double inBucket = Math.Max(countBelow, buckets[index].CumulativeCount) - before;
        return lower + ((upper - lower) * ((rank - before) / inBucket));
    }
}
