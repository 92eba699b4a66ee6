namespace Stampede.Analysis;

/// <summary>The two-sample tests the baseline comparison uses to tell a change from noise.</summary>
internal static class SignificanceTests
{
    /// <summary>
    /// The Mann–Whitney U (Wilcoxon rank-sum) test: whether values in <paramref name="second"/> tend to
    /// be larger or smaller than those in <paramref name="first"/>, assuming nothing about their distribution.
    /// </summary>
    /// <remarks>
    /// The normal approximation with tie and continuity corrections (as SciPy's
    /// <c>mannwhitneyu(method="asymptotic")</c>), good from about 5 values per sample.
    /// </remarks>
    /// <returns>The two-sided p-value, and z: positive when <paramref name="second"/> tends larger.</returns>
    public static (double PValue, double Z) MannWhitney(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        int n1 = first.Count;
        int n2 = second.Count;
        if (n1 == 0 || n2 == 0)
        {
            return (1, 0);
        }

        var all = new (double Value, bool Second)[n1 + n2];
        for (int i = 0; i < n1; i++)
        {
            all[i] = (first[i], false);
        }

        for (int i = 0; i < n2; i++)
        {
            all[n1 + i] = (second[i], true);
        }

        Array.Sort(all, static (a, b) => a.Value.CompareTo(b.Value));
        double rankSumSecond = 0;
        double tieTerm = 0;
        for (int start = 0; start < all.Length;)
        {
            int end = start;
            while (end + 1 < all.Length && all[end + 1].Value == all[start].Value)
            {
                end++;
            }

            double averageRank = ((start + end) / 2.0) + 1;
            double ties = end - start + 1;
            tieTerm += (ties * ties * ties) - ties;
            for (int i = start; i <= end; i++)
            {
                rankSumSecond += all[i].Second ? averageRank : 0;
            }

            start = end + 1;
        }

        double n = n1 + n2;
        double u = rankSumSecond - (n2 * (n2 + 1) / 2.0);
        double mean = n1 * (double)n2 / 2;
        double variance = n1 * (double)n2 / 12 * (n + 1 - (tieTerm / (n * (n - 1))));
        if (variance <= 0)
        {
            return (1, 0);
        }

        double distance = Math.Max(0, Math.Abs(u - mean) - 0.5);
        double z = Math.CopySign(distance / Math.Sqrt(variance), u - mean);
        return (TwoSidedP(z), z);
    }

    /// <summary>The two-proportion z-test: whether the share of failures differs between two runs.</summary>
    /// <returns>The two-sided p-value, and z: positive when the second share is larger.</returns>
    public static (double PValue, double Z) TwoProportions(long failures1, long requests1, long failures2, long requests2)
    {
        if (requests1 <= 0 || requests2 <= 0)
        {
            return (1, 0);
        }

        double p1 = (double)failures1 / requests1;
        double p2 = (double)failures2 / requests2;
        double pooled = (double)(failures1 + failures2) / (requests1 + requests2);
        double standardError = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / requests1) + (1.0 / requests2)));
        if (standardError == 0)
        {
            return (1, 0);
        }

        double z = (p2 - p1) / standardError;
        return (TwoSidedP(z), z);
    }

    /// <summary>P(|Z| ≥ |z|) for a standard normal Z.</summary>
    public static double TwoSidedP(double z) => Math.Min(1, Erfc(Math.Abs(z) / Math.Sqrt(2)));

    /// <summary>The complementary error function, with a relative error below 1.2e-7 (Numerical Recipes' <c>erfcc</c>).</summary>
    private static double Erfc(double x)
    {
        ReadOnlySpan<double> coefficients =
        [
            -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
            0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
        ];
        double z = Math.Abs(x);
        double t = 1 / (1 + (0.5 * z));
        double polynomial = 0;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            polynomial = coefficients[i] + (t * polynomial);
        }

        double r = t * Math.Exp(-(z * z) + polynomial);
        return x >= 0 ? r : 2 - r;
    }
}
