using Stampede.Analysis;

namespace Stampede.Core.Tests.Analysis;

public sealed class BaselineComparerTests
{
    [Theory]
    [InlineData(0.10)]
    [InlineData(0.0)]
    public void Compare_SameDistributionDifferentSamples_IsUnchanged(double tolerance)
    {
        // With no tolerance every metric moves "beyond" it; only the rank test keeps noise from being a regression.
        Baseline before = Run(seed: 1);
        Baseline after = Run(seed: 2);

        IReadOnlyList<RowComparison> rows = BaselineComparer.Compare(before, after, new BaselineComparisonOptions { Tolerance = tolerance });

        rows.Select(r => r.Label).ShouldBe(["POST predict", "Aggregated"]);
        rows.ShouldAllBe(r => r.Verdict == ComparisonVerdict.Unchanged);
        rows[0].Metrics.Count.ShouldBe(5);
    }

    [Fact]
    public void Compare_LatencyFiftyPercentHigher_IsRegressed()
    {
        IReadOnlyList<RowComparison> rows = BaselineComparer.Compare(Run(seed: 1), Run(seed: 2, latencyFactor: 1.5));

        RowComparison predict = rows[0];
        predict.Verdict.ShouldBe(ComparisonVerdict.Regressed);
        predict.Metrics.Where(m => m.Verdict == ComparisonVerdict.Regressed).Select(m => m.Metric)
            .ShouldBe([BaselineMetric.P50, BaselineMetric.P95, BaselineMetric.P99]);
        MetricComparison p95 = predict.Metrics.Single(m => m.Metric == BaselineMetric.P95);
        p95.RelativeChange.ShouldBe(0.5, 0.1);
        p95.PValue.ShouldNotBeNull().ShouldBeLessThan(1e-6);
        p95.Reason.ShouldStartWith("p95 ");
        p95.Reason.ShouldContain("beyond ±10% and significant (Mann–Whitney over per-second values p < 0.0001)");
        predict.Reason.ShouldContain("p99 ");
        rows[1].Verdict.ShouldBe(ComparisonVerdict.Regressed);
    }

    [Fact]
    public void Compare_LatencyHalved_IsImproved()
    {
        RowComparison predict = BaselineComparer.Compare(Run(seed: 1), Run(seed: 2, latencyFactor: 0.5))[0];

        predict.Verdict.ShouldBe(ComparisonVerdict.Improved);
    }

    [Fact]
    public void Compare_RateThirtyPercentLower_IsRegressed()
    {
        RowComparison predict = BaselineComparer.Compare(Run(seed: 1), Run(seed: 2, perSecond: 35))[0];

        predict.Verdict.ShouldBe(ComparisonVerdict.Regressed);
        predict.Metrics.Single(m => m.Verdict == ComparisonVerdict.Regressed).Metric.ShouldBe(BaselineMetric.RequestsPerSecond);
        predict.Reason.ShouldStartWith("rps 50 req/s → 35 req/s (-30.0%)");
    }

    [Fact]
    public void Compare_ErrorsFromNone_IsRegressed()
    {
        RowComparison predict = BaselineComparer.Compare(Run(seed: 1), Run(seed: 2, failureRatio: 0.05))[0];

        MetricComparison errors = predict.Metrics.Single(m => m.Metric == BaselineMetric.ErrorRate);
        errors.Verdict.ShouldBe(ComparisonVerdict.Regressed);
        errors.Reason.ShouldStartWith("error rate 0% → 5% (from 0), beyond ±10% and significant (two-proportion z-test p < 0.0001)");
    }

    [Fact]
    public void Compare_BigMoveInNoisySeconds_IsNoise()
    {
        // Per-second p95s swing 50-300 ms in both runs; the whole-run p95 is 20% up, but the seconds interleave.
        Baseline before = Synthetic(p95: 200, [50, 300, 60, 290, 70, 280]);
        Baseline after = Synthetic(p95: 240, [55, 310, 65, 295, 75, 285]);

        MetricComparison p95 = BaselineComparer.Compare(before, after)[0].Metrics.Single(m => m.Metric == BaselineMetric.P95);

        p95.Verdict.ShouldBe(ComparisonVerdict.Unchanged);
        p95.Reason.ShouldContain("beyond ±10% but not significant");
        p95.Reason.ShouldEndWith(": noise");
    }

    [Fact]
    public void Compare_TooFewSeconds_ToleranceAloneDecides()
    {
        Baseline before = Synthetic(p95: 200, [200, 200, 200]);
        Baseline after = Synthetic(p95: 240, [240, 240, 240]);

        MetricComparison p95 = BaselineComparer.Compare(before, after)[0].Metrics.Single(m => m.Metric == BaselineMetric.P95);

        p95.Verdict.ShouldBe(ComparisonVerdict.Regressed);
        p95.PValue.ShouldBeNull();
        p95.Reason.ShouldContain("too few seconds (3 and 3, 5 needed) for a significance test, so the tolerance alone decides");
    }

    [Fact]
    public void Compare_RowsOnOneSide_AreNotCompared()
    {
        Baseline before = Synthetic(p95: 200, [200], name: "old");
        Baseline after = Synthetic(p95: 200, [200], name: "new");

        IReadOnlyList<RowComparison> rows = BaselineComparer.Compare(before, after);

        rows.Select(r => (r.Name, r.Verdict)).ShouldBe([("old", ComparisonVerdict.NotCompared), ("new", ComparisonVerdict.NotCompared), ("Aggregated", ComparisonVerdict.Unchanged)]);
        rows[0].Reason.ShouldBe("only in the baseline: this run has no such requests");
    }

    [Fact]
    public void Compare_InvalidOptions_NamesTheOption()
    {
        Baseline run = Synthetic(p95: 1, [1]);

        Should.Throw<ArgumentOutOfRangeException>(() => BaselineComparer.Compare(run, run, new BaselineComparisonOptions { Tolerance = -0.1 }))
            .ParamName.ShouldBe("Tolerance");
    }

    /// <summary>60 s of an open-model run at <paramref name="perSecond"/> requests/s with log-normal latencies around 80 ms.</summary>
    private static Baseline Run(int seed, double latencyFactor = 1, int perSecond = 50, double failureRatio = 0)
    {
        var random = new Random(seed);
        return Baseline.FromSnapshot(new SnapshotBuilder()
            .Steady("predict", seconds: 60, perSecond, latencyMs: _ => latencyFactor * 80 * Math.Exp(0.4 * Gaussian(random)), failureRatio)
            .Build(60));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static Baseline Synthetic(double p95, double[] perSecondP95, string name = "predict")
    {
        BaselineRow row = new()
        {
            Method = "POST",
            Name = name,
            Requests = 100L * perSecondP95.Length,
            Failures = 0,
            RequestsPerSecond = 100,
            ErrorRate = 0,
            P50Ms = 50,
            P95Ms = p95,
            P99Ms = 400,
            Seconds = [.. perSecondP95.Select((value, i) => new BaselineSecond { Second = i, DurationSeconds = 1, Requests = 100, Failures = 0, P50Ms = 50, P95Ms = value, P99Ms = 400 })],
        };
        return new Baseline { StartedAt = DateTimeOffset.UnixEpoch, DurationSeconds = perSecondP95.Length, Rows = [row], Aggregated = row with { Method = string.Empty, Name = "Aggregated" } };
    }
}
