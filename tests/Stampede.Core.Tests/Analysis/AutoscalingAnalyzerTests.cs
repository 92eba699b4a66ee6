using Shouldly;
using Stampede.Analysis;
using Stampede.Load;
using Stampede.Monitoring;
using Xunit;

namespace Stampede.Core.Tests.Analysis;

/// <summary>The autoscaling verdict on synthetic per-second series whose spike, scale-out and recovery are known.</summary>
public sealed class AutoscalingAnalyzerTests
{
    private const int Seconds = 60;
    private const int SpikeAt = 10;
    private const int DropAt = 50;
    private const string Series = "stampede_demo_workers_current";

    [Fact]
    public void Analyze_ReplicasRiseFourSecondsAfterTheSpike_MeasuresEveryTime()
    {
        // 5/s, then 30/s from second 10 to 49, then 5/s; 1 worker until second 13, 3 from 14 on, back to 1 at 55;
        // the thresholds fail for the spike's first 12 seconds, with 3 failures in each of them.
        AutoscalingInput run = Run(replicas: s => s < 14 ? 1 : s < 55 ? 3 : 1, held: s => s is < SpikeAt or >= SpikeAt + 12);

        AutoscalingAnalysis result = AutoscalingAnalyzer.Analyze(run, Options(), ["p95<300ms"]);

        result.Verdict.ShouldBe("PASS", result.Reason);
        result.Passed.ShouldBeTrue();
        result.SpikeAtSecond.ShouldBe(SpikeAt);
        result.OfferedBefore.ShouldBe(5);
        result.OfferedAtSpike.ShouldBe(30);
        ((double)result.ScaleOutSeconds!.Value).ShouldBe(4, tolerance: 1);
        result.RecoverySeconds.ShouldBe(12);
        result.ErrorsDuringSpike.ShouldBe(12 * 3);
        result.PeakP95Ms.ShouldBe(900);
        result.ReplicasBefore.ShouldBe(1);
        result.ReplicasMax.ShouldBe(3);
        result.ReplicasAfter.ShouldBe(1);
        result.LoadDropAtSecond.ShouldBe(DropAt);
        result.ScaleInSeconds.ShouldBe(5);
        result.Failures.ShouldBeEmpty();
        result.Reason.ShouldBe("recovered 12 s after the spike, within --max-recovery 60 s; the series rose from 1 to 3 workers 4 s after it");
        result.MatchedSeries.ShouldBe(Series);
        result.Source.ShouldBe("demo");
        result.Thresholds.ShouldBe(["p95<300ms"]);
    }

    [Fact]
    public void Analyze_GoodStretchShorterThanStableFor_IsNoRecovery()
    {
        // Failing 10–21, holding 22–25 (4 s), failing at 26, holding from 27: with --stable-for 10 the recovery is at 27.
        AutoscalingInput run = Run(replicas: s => s < 14 ? 1 : 3, held: s => s < SpikeAt || (s >= 22 && s != 26));

        AutoscalingAnalysis result = AutoscalingAnalyzer.Analyze(run, Options(), ["p95<300ms"]);

        result.RecoverySeconds.ShouldBe(17);
        result.ErrorsDuringSpike.ShouldBe(13 * 3);
        result.Passed.ShouldBeTrue(result.Reason);
    }

    [Fact]
    public void Analyze_ThresholdsNeverHoldAgainUnderTheSpike_FailsNeverRecovered()
    {
        // They hold again only once the load has fallen back (second 50 on): that is no recovery.
        AutoscalingInput run = Run(replicas: s => s < 14 ? 1 : 3, held: s => s is < SpikeAt or >= DropAt);

        AutoscalingAnalysis result = AutoscalingAnalyzer.Analyze(run, Options(), ["p95<300ms"]);

        result.Verdict.ShouldBe("FAIL");
        result.Passed.ShouldBeFalse();
        result.RecoverySeconds.ShouldBeNull();
        result.ScaleOutSeconds.ShouldBe(4);
        result.ErrorsDuringSpike.ShouldBe((DropAt - SpikeAt) * 3);
        result.Failures.ShouldHaveSingleItem().ShouldBe("never recovered: no 10 s window in which every threshold held came while the spike's load lasted (seconds 10–49)");
        result.Reason.ShouldBe(result.Failures[0]);
    }

    [Fact]
    public void Analyze_RecoveredAfterMaxRecovery_FailsTooLate()
    {
        AutoscalingInput run = Run(replicas: s => s < 14 ? 1 : 3, held: s => s is < SpikeAt or >= SpikeAt + 12);

        AutoscalingAnalysis result = AutoscalingAnalyzer.Analyze(run, Options(maxRecovery: 1), ["p95<300ms"]);

        result.Verdict.ShouldBe("FAIL");
        result.RecoverySeconds.ShouldBe(12);
        result.Reason.ShouldBe("recovered too late: 12 s after the spike, more than --max-recovery 1 s");
    }

    [Fact]
    public void Analyze_SeriesNoSourceExposes_FailsNamingTheSeriesAndTheSources()
    {
        AutoscalingInput run = Run(replicas: _ => 1, held: _ => true) is var r ? r with { Target = Target(series: null) } : null!;

        AutoscalingAnalysis result = AutoscalingAnalyzer.Analyze(run, Options(), ["p95<300ms"]);

        result.Verdict.ShouldBe("FAIL");
        result.MatchedSeries.ShouldBeNull();
        result.ReplicasBefore.ShouldBeNull();
        result.ScaleOutSeconds.ShouldBeNull();
        result.SpikeAtSecond.ShouldBe(SpikeAt);
        result.Failures[0].ShouldBe($"no source exposes {Series} (scraped: demo); check the name and labels with curl on the metrics URL");
        result.Failures.Count.ShouldBe(1);
    }

    [Fact]
    public void Analyze_LabelsThatMatchNoSeries_FailsAsMissing()
    {
        AutoscalingInput run = Run(replicas: _ => 1, held: _ => true);
        var options = new AutoscalingOptions { Series = Series + "{deployment=\"other\"}" };

        AutoscalingAnalysis result = AutoscalingAnalyzer.Analyze(run, options, ["p95<300ms"]);

        result.Passed.ShouldBeFalse();
        result.Reason.ShouldStartWith($"no source exposes {Series}{{deployment=\"other\"}}");
    }

    [Fact]
    public void Analyze_SeriesNeverRises_FailsEvenWhenTheThresholdsHeld()
    {
        AutoscalingInput run = Run(replicas: _ => 2, held: _ => true);

        AutoscalingAnalysis result = AutoscalingAnalyzer.Analyze(run, Options(), ["p95<300ms"]);

        result.Verdict.ShouldBe("FAIL");
        result.RecoverySeconds.ShouldBe(0);
        result.ScaleOutSeconds.ShouldBeNull();
        result.Reason.ShouldBe("the series never rose above its pre-spike value 2 workers");
    }

    [Fact]
    public void Analyze_LoadRampedFromZeroWithoutStep_FailsNoSpike()
    {
        AutoscalingInput run = Run(replicas: s => s < 30 ? 1 : 3, held: _ => true) is var r
            ? r with { Offered = [.. Enumerable.Range(0, Seconds).Select(s => s * 0.5)] }
            : null!;

        AutoscalingAnalysis result = AutoscalingAnalyzer.Analyze(run, Options(), ["p95<300ms"]);

        result.Verdict.ShouldBe("FAIL");
        result.SpikeAtSecond.ShouldBeNull();
        result.Reason.ShouldStartWith("no spike in the load profile");
    }

    [Fact]
    public void Analyze_SpikeShorterThanStableFor_FailsSayingTheSpikeWasTooShort()
    {
        AutoscalingInput run = Run(replicas: s => s < 14 ? 1 : 3, held: _ => true) is var r
            ? r with { Offered = [.. Enumerable.Range(0, Seconds).Select(s => s is >= SpikeAt and < SpikeAt + 6 ? 30.0 : 5)] }
            : null!;

        AutoscalingAnalysis result = AutoscalingAnalyzer.Analyze(run, Options(), ["p95<300ms"]);

        result.LoadDropAtSecond.ShouldBe(SpikeAt + 6);
        result.Reason.ShouldContain("the spike's load lasted 6 s (seconds 10–15), shorter than --stable-for 10 s");
    }

    [Theory]
    [InlineData(new[] { 5.0, 5, 5, 5, 30, 30, 30 }, 4)]
    [InlineData(new[] { 5.0, 5, 5, 5.75, 30, 30 }, 4)]
    [InlineData(new[] { 5.0, 5, 5, 20, 30, 30 }, 3)]
    [InlineData(new[] { 5.0, 5, 5, 17.5, 30, 30 }, 3)]
    [InlineData(new[] { 10.0, 10, 10, 12, 16, 16 }, 4)]
    public void FindSpike_RiseOfHalfOrMoreWithinTwoSeconds_StartsAtTheMiddleOfTheRise(double[] offered, int second)
    {
        LoadSpike? spike = AutoscalingAnalyzer.FindSpike(offered);

        spike.ShouldNotBeNull();
        spike.Value.Second.ShouldBe(second);
    }

    [Theory]
    [InlineData(new[] { 1.0, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData(new[] { 0.0, 0, 0, 30, 30, 30 })]
    [InlineData(new[] { 10.0, 10, 10, 12, 14, 16, 18 })]
    [InlineData(new[] { 10.0, 10, 10, 14, 14, 14 })]
    [InlineData(new[] { 4.0, 6, 4, 6, 4, 6 })]
    public void FindSpike_RampOrSmallOrUnsteadyRise_IsNoSpike(double[] offered)
    {
        AutoscalingAnalyzer.FindSpike(offered).ShouldBeNull();
    }

    [Fact]
    public void PlannedRate_ZeroSecondStep_StepsTheRateAtThatSecond()
    {
        var options = new LoadTestOptions { Rate = 5, RateStages = [new RateStage(TimeSpan.FromSeconds(10), 5), new RateStage(TimeSpan.Zero, 30), new RateStage(TimeSpan.FromSeconds(20), 30)] };

        double[] rate = AutoscalingAnalyzer.PlannedRate(options, 32);

        rate[9].ShouldBe(5, tolerance: 1e-9);
        rate[10].ShouldBe(30, tolerance: 1e-9);
        rate[29].ShouldBe(30, tolerance: 1e-9);
        rate[30].ShouldBe(0, tolerance: 1e-9);
        AutoscalingAnalyzer.FindSpike(rate)!.Value.Second.ShouldBe(10);
    }

    [Fact]
    public void PlannedSpike_LoadProfiles_TellWhetherOneCanSpike()
    {
        RateStage[] step = [new RateStage(TimeSpan.FromSeconds(10), 5), new RateStage(TimeSpan.Zero, 30), new RateStage(TimeSpan.FromSeconds(20), 30)];

        AutoscalingAnalyzer.PlannedSpike(new LoadTestOptions { Rate = 5, RateStages = step }).ShouldBeTrue();
        AutoscalingAnalyzer.PlannedSpike(new LoadTestOptions { Rate = 5, RateStages = step, RunTime = TimeSpan.FromSeconds(8) }).ShouldBeFalse();
        AutoscalingAnalyzer.PlannedSpike(new LoadTestOptions { Rate = 5 }).ShouldBeFalse();
        AutoscalingAnalyzer.PlannedSpike(new LoadTestOptions { RateStages = [new RateStage(TimeSpan.FromSeconds(30), 30)] }).ShouldBeFalse();
        AutoscalingAnalyzer.PlannedSpike(new LoadTestOptions { Users = 30, SpawnRate = 100 }).ShouldBeFalse();
        AutoscalingAnalyzer.PlannedSpike(new LoadTestOptions { Shape = LoadShapes.Stages([new Stage(TimeSpan.FromSeconds(10), 5, 5), new Stage(TimeSpan.FromSeconds(20), 30, 100)]) }).ShouldBeTrue();
    }

    [Fact]
    public void Validate_ExpectScaleWithoutMetricsSourceThresholdsOrSpike_NamesWhatIsMissing()
    {
        RateStage[] step = [new RateStage(TimeSpan.FromSeconds(10), 5), new RateStage(TimeSpan.Zero, 30), new RateStage(TimeSpan.FromSeconds(20), 30)];
        LoadTestOptions Valid() => new()
        {
            Rate = 5,
            RateStages = step,
            Thresholds = [Threshold.Parse("p95<300ms")],
            MetricsEndpoints = [new MetricsEndpoint("demo", new Uri("http://127.0.0.1:8080/metrics"))],
            Autoscaling = new AutoscalingOptions { Series = Series },
        };

        Should.NotThrow(() => Valid().Validate());
        LoadTestOptions noSource = Valid();
        noSource.MetricsEndpoints = [];
        Should.Throw<ArgumentException>(noSource.Validate).Message.ShouldContain("no metrics source is scraped: add the endpoint that exposes it to MetricsEndpoints (--metrics-url)");
        LoadTestOptions noThresholds = Valid();
        noThresholds.Thresholds = [];
        Should.Throw<ArgumentException>(noThresholds.Validate).Message.ShouldContain("judges recovery by the thresholds, and none is given");
        LoadTestOptions noSpike = Valid();
        noSpike.RateStages = [];
        Should.Throw<ArgumentException>(noSpike.Validate).Message.ShouldContain("needs a spike in the load profile");
        LoadTestOptions badSeries = Valid();
        badSeries.Autoscaling!.Series = "9workers";
        Should.Throw<ArgumentException>(badSeries.Validate).Message.ShouldContain("'9workers' is not a series");
        LoadTestOptions fractional = Valid();
        fractional.Autoscaling!.StableFor = TimeSpan.FromMilliseconds(1500);
        Should.Throw<ArgumentException>(fractional.Validate).Message.ShouldContain("Autoscaling.StableFor");
    }

    [Fact]
    public void From_SecondsWhoseOwnRequestsBreakTheThreshold_AreNotHeld()
    {
        // 20 requests a second; seconds 3–5 at 400 ms, the others at 50 ms; second 6 completes nothing.
        var builder = new SnapshotBuilder();
        for (int second = 0; second < 10; second++)
        {
            if (second != 6)
            {
                builder.Steady("predict", 1, 20, _ => second is >= 3 and <= 5 ? 400 : 50, fromSecond: second);
            }
        }

        var options = new LoadTestOptions { Users = 5, Thresholds = [Threshold.Parse("p95<300ms"), Threshold.Parse("requests>1000")] };

        AutoscalingInput input = AutoscalingInput.From(builder.Build(10), options);

        input.Held.ShouldBe([true, true, true, false, false, false, false, true, true, true]);
        input.P95Ms[4].ShouldBe(400, tolerance: 1);
        input.P95Ms[1].ShouldBe(50, tolerance: 0.1);
        input.Requests[6].ShouldBe(0);
        double.IsNaN(input.P95Ms[6]).ShouldBeTrue();
    }

    private static AutoscalingOptions Options(int maxRecovery = 60) => new() { Series = Series, StableFor = TimeSpan.FromSeconds(10), MaxRecovery = TimeSpan.FromSeconds(maxRecovery) };

    /// <summary>An open-model run of <see cref="Seconds"/> seconds: 5/s, 30/s from <see cref="SpikeAt"/> to <see cref="DropAt"/>, 5/s after.</summary>
    private static AutoscalingInput Run(Func<int, double> replicas, Func<int, bool> held)
    {
        int[] seconds = [.. Enumerable.Range(0, Seconds)];
        return new AutoscalingInput
        {
            OpenModel = true,
            Offered = [.. seconds.Select(s => s is >= SpikeAt and < DropAt ? 30.0 : 5)],
            Requests = [.. seconds.Select(s => s is >= SpikeAt and < DropAt ? 30L : 5)],
            Failures = [.. seconds.Select(s => held(s) ? 0L : 3)],
            P95Ms = [.. seconds.Select(s => held(s) ? 120.0 : 900)],
            Held = [.. seconds.Select(held)],
            Target = Target(new TargetSeries
            {
                Source = "demo",
                Name = Series,
                Resource = TargetResource.Replicas,
                Unit = "workers",
                Kind = "gauge",
                Description = "inference workers, cold-starting ones included",
                Values = [.. seconds.Select(s => (double?)replicas(s))],
            }),
        };
    }

    private static TargetSnapshot Target(TargetSeries? series) => new()
    {
        Sources = [new TargetSourceStats { Name = "demo", Address = "http://127.0.0.1:8080/metrics", Kind = "prometheus", Scrapes = Seconds, Up = true }],
        Series = series is null ? [] : [series],
    };
}
