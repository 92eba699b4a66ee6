using Stampede.Analysis;

namespace Stampede.Core.Tests.Analysis;

/// <summary>The Theil–Sen slope, Sen's interval and the Mann–Kendall test against hand-worked cases and against their coverage on seeded noise.</summary>
public sealed class TrendTestsTests
{
    [Fact]
    public void TheilSen_PerfectLine_SlopeAndInterceptExactAndIntervalCollapsed()
    {
        double[] x = [.. Enumerable.Range(1, 10).Select(i => (double)i)];
        double[] y = [.. x.Select(v => (2 * v) + 3)];

        TrendFit fit = TrendTests.TheilSen(x, y, 0.95);

        fit.Slope.ShouldBe(2, 1e-12);
        fit.Intercept.ShouldBe(3, 1e-12);
        fit.SlopeLow.ShouldBe(2, 1e-12);
        fit.SlopeHigh.ShouldBe(2, 1e-12);

        // Every pair concordant: S = 45, Var(S) = 10·9·25/18 = 125, Z = 44/√125 = 3.9355, p = 8.303e-5.
        fit.S.ShouldBe(45);
        fit.VarianceS.ShouldBe(125, 1e-9);
        fit.PValue.ShouldBe(8.303e-5, 0.001e-5);
    }

    [Fact]
    public void TheilSen_FivePoints_MatchesTheHandWorkedRanks()
    {
        // Pairwise slopes, ordered: -1, -1, 1/3, 0.5, 0.75, 1, 1, 4/3, 2, 3 (N = 10); median (0.75 + 1)/2 = 0.875.
        // S = 8 - 2 = 6, Var(S) = 5·4·15/18 = 16.67, C = 1.96·√16.67 = 8.0015: M1 = 0.999 → rank 1 (-1), M2 + 1 = 10.0008 → rank 10 (3).
        // Residuals y - 0.875x: 0.125, 1.25, -0.625, 1.5, -0.375 → intercept 0.125. Z = 5/√16.67 = 1.2247, p = 0.2207.
        TrendFit fit = TrendTests.TheilSen([1, 2, 3, 4, 5], [1, 3, 2, 5, 4], 0.95);

        fit.Slope.ShouldBe(0.875, 1e-12);
        fit.Intercept.ShouldBe(0.125, 1e-12);
        fit.SlopeLow.ShouldBe(-1, 1e-12);
        fit.SlopeHigh.ShouldBe(3, 1e-12);
        fit.S.ShouldBe(6);
        fit.PValue.ShouldBe(0.2207, 0.0001);
    }

    [Fact]
    public void TheilSen_AllValuesTied_IsFlatWithPValueOne()
    {
        TrendFit fit = TrendTests.TheilSen([1, 2, 3, 4, 5, 6], [7, 7, 7, 7, 7, 7], 0.95);

        fit.Slope.ShouldBe(0);
        fit.SlopeLow.ShouldBe(0);
        fit.SlopeHigh.ShouldBe(0);
        fit.VarianceS.ShouldBe(0);
        fit.PValue.ShouldBe(1);
    }

    [Fact]
    public void TheilSen_TiedValues_UseTheTieCorrectedVariance()
    {
        // Ties of 2 and 3: Var(S) = [6·5·17 - 2·1·9 - 3·2·11]/18 = (510 - 18 - 66)/18 = 23.667.
        TrendFit fit = TrendTests.TheilSen([1, 2, 3, 4, 5, 6], [1, 1, 2, 3, 3, 3], 0.95);

        fit.VarianceS.ShouldBe(426 / 18.0, 1e-9);
    }

    [Fact]
    public void TheilSen_OutliersOnAThirdOfThePoints_KeepTheSlope()
    {
        double[] x = [.. Enumerable.Range(0, 60).Select(i => (double)i)];
        double[] y = [.. x.Select(v => v % 3 == 0 ? 1000 : 10 + (0.5 * v))];

        TrendFit fit = TrendTests.TheilSen(x, y, 0.95);

        fit.Slope.ShouldBe(0.5, 0.05);
    }

    [Fact]
    public void TheilSen_SeededNoise_IntervalCoversTheTrueSlopeAboutNinetyFivePercentOfTheTime()
    {
        var random = new Random(2026);
        int covered = 0;
        int significant = 0;
        const int Trials = 400;
        for (int trial = 0; trial < Trials; trial++)
        {
            double[] x = [.. Enumerable.Range(0, 80).Select(i => (double)i)];
            double[] y = [.. x.Select(v => 5 + (0.02 * v) + Gaussian(random))];
            TrendFit fit = TrendTests.TheilSen(x, y, 0.95);
            covered += fit.SlopeLow <= 0.02 && 0.02 <= fit.SlopeHigh ? 1 : 0;

            double[] flat = [.. x.Select(_ => 5 + Gaussian(random))];
            significant += TrendTests.TheilSen(x, flat, 0.95).PValue < 0.05 ? 1 : 0;
        }

        ((double)covered / Trials).ShouldBeInRange(0.92, 0.98);
        ((double)significant / Trials).ShouldBeInRange(0.02, 0.08);
    }

    [Fact]
    public void TheilSen_MismatchedLengths_Throws()
    {
        Should.Throw<ArgumentException>(() => TrendTests.TheilSen([1, 2, 3], [1, 2], 0.95)).Message.ShouldContain("pair up");
    }

    [Fact]
    public void Bin_LongSeries_MediansOfRunsOfEqualLength()
    {
        double[] x = [.. Enumerable.Range(0, 1000).Select(i => (double)i)];
        double[] y = [.. x.Select(v => v % 4 == 3 ? 500 : v)];

        (double[] bx, double[] by) = TrendTests.Bin(x, y, 300);

        // ⌈1000/300⌉ = 4 points a bin: 250 bins; bin k holds 4k … 4k+3, its last point an outlier.
        bx.Length.ShouldBe(250);
        bx[0].ShouldBe(1.5);
        by[0].ShouldBe(1.5);
        bx[249].ShouldBe(997.5);
        by[249].ShouldBe((996 + 997) / 2.0);
    }

    [Fact]
    public void Bin_ShortSeries_Unchanged()
    {
        (double[] bx, double[] by) = TrendTests.Bin([1, 2, 3], [4, 5, 6], 300);

        bx.ShouldBe([1, 2, 3]);
        by.ShouldBe([4, 5, 6]);
    }

    /// <summary>A standard normal draw (Box–Muller) from a seeded source.</summary>
    internal static double Gaussian(Random random)
    {
        double u = 1 - random.NextDouble();
        double v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
