using MathNet.Numerics.Distributions;

namespace Stampede.Analysis;

/// <summary>
/// Robust trend tests of a time series: the Theil–Sen slope, its confidence interval by Sen's method and the
/// Mann–Kendall test, as Gilbert (1987, <i>Statistical Methods for Environmental Pollution Monitoring</i>, §16) defines
/// them; the normal quantiles and probabilities come from MathNet.Numerics.
/// </summary>
/// <remarks>
/// Every pair of points is visited, so a fit costs O(n²) time and memory: callers bin long series first
/// (<see cref="Bin"/>).
/// </remarks>
internal static class TrendTests
{
    /// <summary>
    /// Fits y on x: the Theil–Sen slope (the median of (yⱼ − yᵢ)/(xⱼ − xᵢ) over every pair with xᵢ ≠ xⱼ), the
    /// intercept (the median of y − slope·x), the slope's interval and the Mann–Kendall test.
    /// </summary>
    /// <remarks>
    /// Sen's interval: with N pairwise slopes ordered, C = z₁₋α/₂·√Var(S), M₁ = (N − C)/2 and M₂ = (N + C)/2, the
    /// interval runs from the M₁-th to the (M₂ + 1)-th smallest slope (1-based ranks, interpolated between
    /// neighbours, clamped to [1, N]). Var(S) = [n(n − 1)(2n + 5) − Σ t(t − 1)(2t + 5)]/18, t the size of each group of
    /// equal y values. The Mann–Kendall p-value is 2Φ(−|Z|) with Z = (S − sign S)/√Var(S). The points must be in
    /// increasing order of x.
    /// </remarks>
    /// <param name="x">The times, increasing.</param>
    /// <param name="y">The values, finite.</param>
    /// <param name="confidence">The interval's confidence, e.g. 0.95.</param>
    public static TrendFit TheilSen(IReadOnlyList<double> x, IReadOnlyList<double> y, double confidence)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"x has {x.Count} values and y {y.Count}; they must pair up.", nameof(y));
        }

        if (!(confidence is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence must be above 0 and below 1, e.g. 0.95.");
        }

        int n = x.Count;
        if (n < 2)
        {
            double only = n == 1 ? y[0] : 0;
            return new TrendFit(0, only, 0, 0, 0, 0, 1, n);
        }

        var slopes = new double[(long)n * (n - 1) / 2];
        int count = 0;
        long s = 0;
        for (int i = 0; i < n - 1; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double dy = y[j] - y[i];
                s += Math.Sign(dy);
                double dx = x[j] - x[i];
                if (dx != 0)
                {
                    slopes[count++] = dy / dx;
                }
            }
        }

        Array.Sort(slopes, 0, count);
        double slope = count == 0 ? 0 : Rank(slopes, count, (count + 1) / 2.0);
        var residuals = new double[n];
        for (int i = 0; i < n; i++)
        {
            residuals[i] = y[i] - (slope * x[i]);
        }

        Array.Sort(residuals);
        double intercept = Rank(residuals, n, (n + 1) / 2.0);

        double variance = VarianceOfS(y);
        double c = Normal.InvCDF(0, 1, 1 - ((1 - confidence) / 2)) * Math.Sqrt(variance);
        double low = count == 0 ? 0 : Rank(slopes, count, (count - c) / 2);
        double high = count == 0 ? 0 : Rank(slopes, count, ((count + c) / 2) + 1);

        double p = 1;
        if (variance > 0)
        {
            double z = (s - Math.Sign(s)) / Math.Sqrt(variance);
            p = Math.Min(1, 2 * Normal.CDF(0, 1, -Math.Abs(z)));
        }

        return new TrendFit(slope, intercept, Math.Min(low, slope), Math.Max(high, slope), s, variance, p, n);
    }

    /// <summary>
    /// Bins a series to at most <paramref name="maxPoints"/> points: runs of ⌈n / maxPoints⌉ consecutive points, each
    /// replaced by the median of its x and the median of its y (the last run may be shorter). Fewer points pass unchanged.
    /// </summary>
    public static (double[] X, double[] Y) Bin(IReadOnlyList<double> x, IReadOnlyList<double> y, int maxPoints)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        int n = x.Count;
        if (n <= maxPoints)
        {
            return ([.. x], [.. y]);
        }

        int width = (n + maxPoints - 1) / maxPoints;
        int bins = (n + width - 1) / width;
        var bx = new double[bins];
        var by = new double[bins];
        for (int b = 0; b < bins; b++)
        {
            int from = b * width;
            int to = Math.Min(n, from + width);
            bx[b] = Median(x, from, to);
            by[b] = Median(y, from, to);
        }

        return (bx, by);
    }

    /// <summary>The median of <paramref name="values"/>.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Count == 0 ? double.NaN : Median(values, 0, values.Count);
    }

    /// <summary>Var(S) of the Mann–Kendall statistic under no trend, with the correction for groups of equal values.</summary>
    private static double VarianceOfS(IReadOnlyList<double> y)
    {
        double n = y.Count;
        double[] sorted = [.. y];
        Array.Sort(sorted);
        double ties = 0;
        for (int start = 0; start < sorted.Length;)
        {
            int end = start;
            while (end + 1 < sorted.Length && sorted[end + 1] == sorted[start])
            {
                end++;
            }

            double t = end - start + 1;
            ties += t * (t - 1) * ((2 * t) + 5);
            start = end + 1;
        }

        return ((n * (n - 1) * ((2 * n) + 5)) - ties) / 18;
    }

    /// <summary>The value at 1-based <paramref name="rank"/> of the first <paramref name="count"/> sorted values, interpolated, the rank clamped to [1, count].</summary>
    private static double Rank(double[] sorted, int count, double rank)
    {
        double r = Math.Clamp(rank, 1, count) - 1;
        int lo = (int)Math.Floor(r);
        int hi = Math.Min(count - 1, lo + 1);
        double fraction = r - lo;
        return sorted[lo] + (fraction * (sorted[hi] - sorted[lo]));
    }

    private static double Median(IReadOnlyList<double> values, int from, int to)
    {
        var slice = new double[to - from];
        for (int i = from; i < to; i++)
        {
            slice[i - from] = values[i];
        }

        Array.Sort(slice);
        int mid = slice.Length / 2;
        return slice.Length % 2 == 1 ? slice[mid] : (slice[mid - 1] + slice[mid]) / 2;
    }
}
