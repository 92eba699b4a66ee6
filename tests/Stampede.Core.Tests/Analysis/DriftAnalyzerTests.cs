using Stampede.Analysis;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Core.Tests.Analysis;

/// <summary>The drift analysis against series whose trend is known: rising, flat, falling, a step, too short, and memory from the target.</summary>
public sealed class DriftAnalyzerTests
{
    /// <summary>Every latency series is this long; a run reads only its own seconds.</summary>
    private const int MaxSeconds = 7200;

    [Fact]
    public void Analyze_LatencyRisingOneMsPerMinuteWithNoise_RisingWithTheTrueSlopeInsideTheInterval()
    {
        // Ten minutes: p95 = 50 ms + 1 ms/min, Gaussian noise of 3 ms and a 400 ms spike every 37 s.
        var random = new Random(11);
        DriftInput run = Run(600, Latency("Aggregated", s => 50 + (s / 60.0) + (3 * TrendTestsTests.Gaussian(random)) + (s % 37 == 0 ? 400 : 0)));

        DriftSeries p95 = DriftAnalyzer.Analyze(run)!.Series.Single();

        p95.Direction.ShouldBe(DriftDirection.Rising);
        p95.SlopeLowPerMinute.ShouldBeLessThanOrEqualTo(1);
        p95.SlopeHighPerMinute.ShouldBeGreaterThanOrEqualTo(1);
        p95.SlopePerMinute.ShouldBe(1, 0.1);

        // Judged from the end of the 60 s warm-up (10% of 600 s) to 600 s: 540 values, binned by two to 270 points.
        p95.FromSecond.ShouldBe(60);
        p95.ToSecond.ShouldBe(600);
        p95.N.ShouldBe(540);
        p95.Points.ShouldBe(270);
        p95.ChangeOverRun.ShouldBe(9, 0.9);
        p95.ChangePercent!.Value.ShouldBe(9 / 55.5 * 100, 2);
        (p95.EndValue - p95.StartValue).ShouldBe(p95.ChangeOverRun, 1e-9);
        p95.StartValue.ShouldBe(51, 1);
        p95.PValue.ShouldBeLessThan(1e-6);
        p95.Unit.ShouldBe("ms");
        p95.Label.ShouldBe("p95 of Aggregated");
    }

    [Fact]
    public void Analyze_FlatNoisyControl_Stable()
    {
        var random = new Random(12);
        DriftInput run = Run(600, Latency("Aggregated", s => 50 + (3 * TrendTestsTests.Gaussian(random)) + (s % 37 == 0 ? 400 : 0)));

        DriftSeries p95 = DriftAnalyzer.Analyze(run)!.Series.Single();

        p95.Direction.ShouldBe(DriftDirection.Stable);
        p95.SlopeLowPerMinute.ShouldBeLessThanOrEqualTo(0.1);
        p95.SlopeHighPerMinute.ShouldBeGreaterThanOrEqualTo(-0.1);
        Math.Abs(p95.ChangeOverRun).ShouldBeLessThan(p95.MaterialChange);
    }

    [Fact]
    public void Analyze_ThroughputFallingFromHundredToEighty_Falling()
    {
        var random = new Random(13);
        DriftInput run = Run(300, new DriftInputSeries(DriftMetric.Throughput, "rps", "Aggregated", null, "requests/s", Values(300, s => 100 - (20.0 * s / 300) + (2 * TrendTestsTests.Gaussian(random)))));

        DriftSeries rps = DriftAnalyzer.Analyze(run)!.Series.Single();

        rps.Direction.ShouldBe(DriftDirection.Falling);
        rps.SlopePerMinute.ShouldBe(-4, 0.4);
        rps.SlopeHighPerMinute.ShouldBeLessThan(0);
        rps.ChangePercent!.Value.ShouldBeLessThan(-10);
    }

    [Fact]
    public void Analyze_SignificantButImmaterialRise_Stable()
    {
        // 0.1 ms/min on 100 ms, noiseless: the interval is far from 0, but 0.45 ms over 270 s is neither 1 ms nor 10%.
        DriftInput run = Run(300, Latency("Aggregated", s => 100 + (s / 600.0)));

        DriftSeries p95 = DriftAnalyzer.Analyze(run)!.Series.Single();

        p95.SlopeLowPerMinute.ShouldBeGreaterThan(0);
        p95.MaterialChange.ShouldBe(10, 0.1);
        p95.Direction.ShouldBe(DriftDirection.Stable);
    }

    [Fact]
    public void Analyze_StepUpHalfwayThroughTheJudgedWindow_Rising()
    {
        // 50 ms, then 80 ms from second 165: a regime change mid-run is a degradation. Theil–Sen reads it as a trend whose
        // change over the run is of the order of the step (half the pairs straddle it), not as the step itself.
        var random = new Random(14);
        DriftInput run = Run(300, Latency("Aggregated", s => (s < 165 ? 50 : 80) + TrendTestsTests.Gaussian(random)));

        DriftSeries p95 = DriftAnalyzer.Analyze(run)!.Series.Single();

        p95.Direction.ShouldBe(DriftDirection.Rising);
        p95.ChangeOverRun.ShouldBeInRange(15, 45);
    }

    [Fact]
    public void Analyze_SlowSecondsOnlyInTheWarmup_Stable()
    {
        // A cold start: 500 ms for the first 8 s, then a flat 50 ms. The warm-up (30 s of a 300 s run) keeps it out.
        var random = new Random(15);
        DriftInput run = Run(300, Latency("Aggregated", s => (s < 8 ? 500 : 50) + TrendTestsTests.Gaussian(random)));

        DriftAnalysis drift = DriftAnalyzer.Analyze(run)!;

        drift.WarmupSeconds.ShouldBe(30);
        drift.Series.Single().Direction.ShouldBe(DriftDirection.Stable);
    }

    [Theory]
    [InlineData(69, false)]
    [InlineData(70, true)]
    public void Analyze_SixtyIntervalsAfterTheTenSecondWarmup_IsTheLeastAnalysed(int seconds, bool analysed)
    {
        DriftInput run = Run(seconds, Latency("Aggregated", s => 50 + s));

        DriftAnalysis? drift = DriftAnalyzer.Analyze(run);

        (drift is not null).ShouldBe(analysed);
        if (drift is not null)
        {
            drift.WarmupSeconds.ShouldBe(10);
            drift.Intervals.ShouldBe(60);
            drift.Series.Single().Direction.ShouldBe(DriftDirection.Rising);
        }
    }

    [Fact]
    public void Analyze_RowWithValuesInTooFewSeconds_LeftOut()
    {
        DriftInput run = Run(100, Latency("Aggregated", _ => 50), Latency("GET /rare", s => s % 4 == 0 ? 50 : double.NaN));

        DriftAnalysis drift = DriftAnalyzer.Analyze(run)!;

        // 90 judged seconds, of which 22 have a request of the rare row: fewer than 30.
        drift.Series.Select(s => s.Row).ShouldBe(["Aggregated"]);
    }

    [Fact]
    public void Analyze_TwoHourRun_BinnedToAtMostThreeHundredPointsWithTheSlopeKept()
    {
        var random = new Random(16);
        DriftInput run = Run(7200, Latency("Aggregated", s => 40 + (0.1 * s / 60) + TrendTestsTests.Gaussian(random)));

        DriftSeries p95 = DriftAnalyzer.Analyze(run)!.Series.Single();

        p95.N.ShouldBe(6480);
        // ⌈6480/300⌉ = 22 values a bin: 295 bins, the last of 12.
        p95.Points.ShouldBe(295);
        p95.SlopePerMinute.ShouldBe(0.1, 0.005);
        p95.Direction.ShouldBe(DriftDirection.Rising);
    }

    [Theory]
    [InlineData("stress")]
    [InlineData("capacity")]
    public void Analyze_RateSteppingExperimentWithoutSoak_NoDrift(string experiment)
    {
        // A stress test or a capacity search raises the rate by design: its rising throughput and latency are not drift.
        StatsSnapshot stats = new SnapshotBuilder()
            .Steady("predict", 100, 20, i => 20 + (6 * (i / 20) / 60.0))
            .Build(100);
        LoadTestOptions options = experiment == "stress"
            ? new LoadTestOptions { Stress = new Stampede.Experiments.StressTestOptions() }
            : new LoadTestOptions { FindCapacity = new Stampede.Experiments.CapacitySearchOptions() };

        DriftAnalyzer.Analyze(stats, options).ShouldBeNull();

        // Asked for with --soak, it is analysed all the same.
        options.Soak = true;
        DriftAnalyzer.Analyze(stats, options).ShouldNotBeNull();
    }

    [Fact]
    public void Analyze_RealHistogramsWithLatencyRising_RisingAndSoakFails()
    {
        // 100 s through the real aggregator, 20 requests a second at 20 ms + 6 ms a minute: +9 ms over the 90 judged seconds.
        StatsSnapshot stats = new SnapshotBuilder()
            .Steady("predict", 100, 20, i => 20 + (6 * (i / 20) / 60.0))
            .Build(100);

        DriftAnalysis drift = DriftAnalyzer.Analyze(stats, new LoadTestOptions { Soak = true })!;

        drift.Series.Select(s => (s.Metric, s.Row)).ShouldBe([(DriftMetric.Latency, "Aggregated"), (DriftMetric.Latency, "POST predict"), (DriftMetric.Throughput, "Aggregated")]);
        DriftSeries row = drift.Series[1];
        row.Direction.ShouldBe(DriftDirection.Rising);
        row.SlopePerMinute.ShouldBe(6, 0.1);
        row.SoakChecked.ShouldBeTrue();
        row.FailsSoak.ShouldBeTrue();
        drift.Series[2].Direction.ShouldBe(DriftDirection.Stable);
        drift.Series[2].SlopePerMinute.ShouldBe(0, 1e-9);
        drift.Series[2].SoakChecked.ShouldBeFalse();
        drift.Passed.ShouldBeFalse();
        drift.Failures.Count.ShouldBe(2);
    }

    [Fact]
    public void Analyze_WithoutSoak_RisingLatencyReportedButNeverFails()
    {
        StatsSnapshot stats = new SnapshotBuilder()
            .Steady("predict", 100, 20, i => 20 + (6 * (i / 20) / 60.0))
            .Build(100);

        DriftAnalysis drift = DriftAnalyzer.Analyze(stats, new LoadTestOptions())!;

        drift.Soak.ShouldBeFalse();
        drift.Series[0].Direction.ShouldBe(DriftDirection.Rising);
        drift.Series.ShouldAllBe(s => !s.SoakChecked && !s.FailsSoak);
        drift.Passed.ShouldBeTrue();
    }

    [Fact]
    public void Analyze_MemorySeriesOfTheTarget_RisingOneFlatOtherAndOnlyMemoryJudged()
    {
        StatsSnapshot stats = new SnapshotBuilder().Steady("predict", 120, 10, _ => 20).Build(120);
        stats = stats with
        {
            Target = new TargetSnapshot
            {
                Sources = [new TargetSourceStats { Name = "demo", Address = "http://127.0.0.1:8080/metrics", Kind = "prometheus" }],
                Series =
                [
                    Memory("process_resident_memory_bytes", "demo", s => 200e6 + (1e6 * s)),
                    Memory("process_resident_memory_bytes", "pid 4242", s => s % 5 == 0 ? null : 150e6 + (s % 2 * 1e5)),
                    new TargetSeries { Source = "demo", Name = "process_cpu_seconds_total", Resource = TargetResource.Cpu, Unit = "cores", Kind = "rate", Description = "CPU", Values = [.. Enumerable.Range(0, 120).Select(s => (double?)(0.01 * s))] },
                ],
            },
        };

        DriftAnalysis drift = DriftAnalyzer.Analyze(stats, new LoadTestOptions { Soak = true })!;

        DriftSeries[] memory = [.. drift.Series.Where(s => s.Metric == DriftMetric.Memory)];
        memory.Length.ShouldBe(2, "the CPU series is not a memory series");
        memory[0].Source.ShouldBe("demo");
        memory[0].Unit.ShouldBe("bytes");
        memory[0].Direction.ShouldBe(DriftDirection.Rising);
        memory[0].SlopePerMinute.ShouldBe(60e6, 1);
        memory[0].FailsSoak.ShouldBeTrue();
        memory[0].Label.ShouldBe("process_resident_memory_bytes of demo");
        memory[1].Source.ShouldBe("pid 4242");
        memory[1].N.ShouldBe(87, "108 judged seconds less the 21 without a scrape");
        memory[1].Direction.ShouldBe(DriftDirection.Stable);
        drift.Failures.ShouldBe([memory[0]]);
    }

    [Fact]
    public void Analyze_MemoryOfTheGeneratorsOwnMachine_ReportedButNeverFailsTheSoak()
    {
        StatsSnapshot stats = new SnapshotBuilder().Steady("predict", 120, 10, _ => 20).Build(120);
        stats = stats with
        {
            Target = new TargetSnapshot
            {
                Sources = [new TargetSourceStats { Name = "this machine", Address = "/proc/stat", Kind = "host" }],
                Series = [Memory("node_memory_used_bytes", "this machine", s => 4e9 + (5e6 * s))],
            },
        };

        DriftAnalysis drift = DriftAnalyzer.Analyze(stats, new LoadTestOptions { Soak = true })!;

        DriftSeries host = drift.Series.Single(s => s.Metric == DriftMetric.Memory);
        host.Direction.ShouldBe(DriftDirection.Rising);
        host.SoakChecked.ShouldBeFalse("the generator's machine holds the generator's own memory");
        drift.Passed.ShouldBeTrue();
    }

    [Fact]
    public void WarmupIntervals_GivenWarmup_ReplacesTheDefault()
    {
        DriftAnalyzer.WarmupIntervals(600).ShouldBe(60);
        DriftAnalyzer.WarmupIntervals(80).ShouldBe(10);
        DriftAnalyzer.WarmupIntervals(600, TimeSpan.FromSeconds(5)).ShouldBe(5);
        DriftAnalyzer.WarmupIntervals(3, TimeSpan.FromSeconds(5)).ShouldBe(3);
    }

    private static DriftInput Run(int seconds, params DriftInputSeries[] series) => new()
    {
        Soak = false,
        Ends = [.. Enumerable.Range(1, seconds).Select(s => (double)s)],
        WarmupIntervals = DriftAnalyzer.WarmupIntervals(seconds),
        Series = series,
    };

    private static DriftInputSeries Latency(string row, Func<int, double> p95) =>
        new(DriftMetric.Latency, "p95", row, null, "ms", Values(MaxSeconds, p95));

    private static double[] Values(int seconds, Func<int, double> value) => [.. Enumerable.Range(0, seconds).Select(value)];

    private static TargetSeries Memory(string name, string source, Func<int, double?> value) => new()
    {
        Source = source,
        Name = name,
        Resource = TargetResource.Memory,
        Unit = "bytes",
        Kind = "gauge",
        Description = "resident memory",
        Values = [.. Enumerable.Range(0, 120).Select(value)],
    };
}
