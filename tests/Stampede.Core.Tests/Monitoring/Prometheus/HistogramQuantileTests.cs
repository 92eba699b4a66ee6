using Stampede.Monitoring.Prometheus;

namespace Stampede.Core.Tests.Monitoring.Prometheus;

public sealed class HistogramQuantileTests
{
    private const double Tolerance = 1e-12;

    // le=0.1: 10, le=0.2: 30, le=0.5: 90, le=+Inf: 100.
    private static readonly (double, double)[] Buckets =
        [(0.1, 10), (0.2, 30), (0.5, 90), (double.PositiveInfinity, 100)];

    [Theory]
    [InlineData(0.5, 0.3)] // rank 50 in (0.2, 0.5]: 0.2 + (50 - 30) / (90 - 30) * 0.3
    [InlineData(0.05, 0.05)] // rank 5 in the lowest bucket, interpolated from 0: 0.1 * 5 / 10
    [InlineData(0.2, 0.15)] // rank 20 in (0.1, 0.2]: 0.1 + (20 - 10) / 20 * 0.1
    [InlineData(0.9, 0.5)] // rank 90: the top of (0.2, 0.5]
    [InlineData(0.95, 0.5)] // rank 95 in the +Inf bucket: the highest finite bound
    [InlineData(1.0, 0.5)]
    [InlineData(0.0, 0.0)]
    public void Estimate_HandComputedBuckets_InterpolatesLinearly(double q, double expected)
    {
        HistogramQuantile.Estimate(Buckets, q).ShouldBe(expected, Tolerance);
    }

    [Fact]
    public void Estimate_UniformObservations_MatchesTheirTrueQuantiles()
    {
        // 1000 observations i/1000 for i = 1..1000 in buckets of width 0.1: the true q-quantile is q.
        var buckets = new (double, double)[11];
        for (int i = 0; i < 10; i++)
        {
            buckets[i] = ((i + 1) / 10.0, (i + 1) * 100);
        }

        buckets[10] = (double.PositiveInfinity, 1000);

        foreach (double q in new[] { 0.25, 0.5, 0.9, 0.99 })
        {
            HistogramQuantile.Estimate(buckets, q).ShouldBe(q, 1e-9);
        }
    }

    [Fact]
    public void Estimate_ZeroCounts_NaN()
    {
        HistogramQuantile.Estimate([(0.1, 0), (1, 0), (double.PositiveInfinity, 0)], 0.5).ShouldBe(double.NaN);
    }

    [Fact]
    public void Estimate_UnusableInput_NaN()
    {
        HistogramQuantile.Estimate([], 0.5).ShouldBe(double.NaN);
        HistogramQuantile.Estimate([(double.PositiveInfinity, 10)], 0.5).ShouldBe(double.NaN);
        HistogramQuantile.Estimate([(0.1, 5), (1, 10)], 0.5).ShouldBe(double.NaN); // no +Inf bucket
        HistogramQuantile.Estimate([(0.1, double.NaN), (double.PositiveInfinity, 10)], 0.5).ShouldBe(double.NaN);
        HistogramQuantile.Estimate([(double.NaN, 5), (double.PositiveInfinity, 10)], 0.5).ShouldBe(double.NaN);
        HistogramQuantile.Estimate(Buckets, double.NaN).ShouldBe(double.NaN);
    }

    [Fact]
    public void Estimate_QuantileOutsideZeroToOne_InfinityAsPrometheus()
    {
        HistogramQuantile.Estimate(Buckets, -0.1).ShouldBe(double.NegativeInfinity);
        HistogramQuantile.Estimate(Buckets, 1.1).ShouldBe(double.PositiveInfinity);
    }

    [Fact]
    public void Estimate_AllObservationsInTheInfBucket_HighestFiniteBound()
    {
        HistogramQuantile.Estimate([(0.1, 0), (2.5, 0), (double.PositiveInfinity, 7)], 0.5).ShouldBe(2.5);
    }

    [Fact]
    public void Estimate_LowestBoundNotAboveZero_ReturnsThatBound()
    {
        HistogramQuantile.Estimate([(-1, 5), (0, 10), (double.PositiveInfinity, 10)], 0.2).ShouldBe(-1);
    }

    [Fact]
    public void Estimate_UnsortedBuckets_SameAsSorted()
    {
        (double, double)[] shuffled = [(0.5, 90), (double.PositiveInfinity, 100), (0.1, 10), (0.2, 30)];

        HistogramQuantile.Estimate(shuffled, 0.5).ShouldBe(0.3, Tolerance);
    }

    [Fact]
    public void Estimate_CountDecreasingFromOneBucketToTheNext_TreatedAsTheCountBelow()
    {
        // le=0.2 scraped as 25 though le=0.1 says 30: read as 30, so rank 50 lies in (0.2, 0.5] as before.
        (double, double)[] racing = [(0.1, 30), (0.2, 25), (0.5, 90), (double.PositiveInfinity, 100)];

        HistogramQuantile.Estimate(racing, 0.5).ShouldBe(0.2 + (0.3 * 20 / 60), Tolerance);
    }

    [Fact]
    public void Estimate_ZeroQuantileWithEmptyLowestBucket_LowerBoundOfFirstNonEmptyBucket()
    {
        HistogramQuantile.Estimate([(0.1, 0), (0.2, 0), (0.5, 4), (double.PositiveInfinity, 4)], 0).ShouldBe(0.2);
    }
}
