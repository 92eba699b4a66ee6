using Stampede.Analysis;

namespace Stampede.Core.Tests.Analysis;

public sealed class SignificanceTestsTests
{
    [Fact]
    public void MannWhitney_SeparatedSamples_MatchesTheNormalApproximation()
    {
        // U = 0 for n1 = n2 = 10: z = (100 - 50 - 0.5) / sqrt(175) = 3.7418, p = 1.83e-4 (SciPy, asymptotic).
        (double p, double z) = SignificanceTests.MannWhitney([.. Enumerable.Range(1, 10).Select(i => (double)i)], [.. Enumerable.Range(11, 10).Select(i => (double)i)]);

        z.ShouldBe(3.7418, 1e-4);
        p.ShouldBe(1.827e-4, 0.002e-4);
    }

    [Fact]
    public void MannWhitney_SameValues_IsNotSignificant()
    {
        (double p, double z) = SignificanceTests.MannWhitney([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]);

        p.ShouldBe(1, 1e-9);
        z.ShouldBe(0);
    }

    [Fact]
    public void MannWhitney_Ties_UseTheTieCorrectedVariance()
    {
        // Ranks 1.5 1.5 3 | 4.5 4.5 6: U2 = 9, mean 4.5, ties 2·(2³-2) = 12, variance = 9/12·(7 - 12/30) = 4.95.
        (double _, double z) = SignificanceTests.MannWhitney([1, 1, 2], [3, 3, 4]);

        z.ShouldBe((9 - 4.5 - 0.5) / Math.Sqrt(4.95), 1e-9);
    }

    [Fact]
    public void TwoProportions_OneVersusThreePercent_IsSignificant()
    {
        // pooled 2%, se = sqrt(0.02·0.98·0.002) = 0.006261: z = 3.194, p = 0.0014.
        (double p, double z) = SignificanceTests.TwoProportions(10, 1000, 30, 1000);

        z.ShouldBe(3.1944, 1e-4);
        p.ShouldBe(0.0014, 0.0001);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1.959964, 0.05)]
    [InlineData(2.575829, 0.01)]
    [InlineData(-3.290527, 0.001)]
    public void TwoSidedP_KnownQuantiles(double z, double p)
    {
        SignificanceTests.TwoSidedP(z).ShouldBe(p, p * 1e-5);
    }
}
