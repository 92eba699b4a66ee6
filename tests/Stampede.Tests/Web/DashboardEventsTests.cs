using System.Text.Json;
using Stampede.Analysis;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;
using Stampede.Tests.Reports;
using Stampede.Web;

namespace Stampede.Tests.Web;

/// <summary>
/// The thresholds and the watched target in the dashboard's events, written from views built on real histograms with
/// known values and target snapshots built by hand.
/// </summary>
public sealed class DashboardEventsTests
{
    private static readonly Threshold P95 = Threshold.Parse("p95<300ms");
    private static readonly Threshold Rps = Threshold.Parse("rps>=48 abort");
    private static readonly Threshold ErrorRate = Threshold.Parse("error_rate<1%");
    private static readonly Threshold Missing = Threshold.Parse("\"<b>missing</b>\": p99<1s");

    [Fact]
    public void Write_ReadyViewWithThresholds_ListsThemUnmeasured()
    {
        var view = new DashboardView { Version = 1, RunId = 0, State = DashboardRunState.Ready, Thresholds = [P95, Rps] };

        JsonElement e = Write(view);

        e.TryGetProperty("rows", out _).ShouldBeFalse();
        e.GetProperty("thresholdsFinal").GetBoolean().ShouldBeFalse();
        JsonElement[] thresholds = [.. e.GetProperty("thresholds").EnumerateArray()];
        thresholds.Select(t => t.GetProperty("expression").GetString()).ShouldBe(["p95<300ms", "rps>=48 abort"]);
        thresholds.ShouldAllBe(t => t.GetProperty("result").GetString() == "noData" && t.GetProperty("measured").ValueKind == JsonValueKind.Null);
        thresholds[0].GetProperty("note").GetString().ShouldBe("not measured yet");
        thresholds[0].GetProperty("unit").GetString().ShouldBe("ms");
        thresholds[0].GetProperty("limit").GetDouble().ShouldBe(300);
        thresholds[0].GetProperty("abort").GetBoolean().ShouldBeFalse();
        thresholds[1].GetProperty("unit").GetString().ShouldBe("requests/s");
        thresholds[1].GetProperty("abort").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public void Write_WithoutThresholds_HasNoThresholdsField()
    {
        JsonElement e = Write(new DashboardView { Version = 1, RunId = 1, State = DashboardRunState.Running, Stats = TenPerSecondFor10Seconds() });

        e.TryGetProperty("thresholds", out _).ShouldBeFalse();
        e.TryGetProperty("thresholdsFinal", out _).ShouldBeFalse();
    }

    [Fact]
    public void Write_RunningView_MeasuresEachThresholdOnTheSnapshot()
    {
        // 100 requests of 100 ms over 10 s: p95 = 100 ms, 10 requests/s, no failures, no row "<b>missing</b>".
        var view = new DashboardView
        {
            Version = 3,
            RunId = 1,
            State = DashboardRunState.Running,
            Stats = TenPerSecondFor10Seconds(),
            Thresholds = [P95, Rps, ErrorRate, Missing],
        };

        JsonElement e = Write(view);

        e.GetProperty("thresholdsFinal").GetBoolean().ShouldBeFalse();
        JsonElement[] t = [.. e.GetProperty("thresholds").EnumerateArray()];
        t[0].GetProperty("result").GetString().ShouldBe("pass");
        t[0].GetProperty("metric").GetString().ShouldBe("p95");
        t[0].GetProperty("measured").GetDouble().ShouldBe(100, tolerance: 0.1);
        t[0].GetProperty("measuredText").GetString()!.ShouldEndWith(" ms");
        t[1].GetProperty("result").GetString().ShouldBe("fail");
        t[1].GetProperty("measured").GetDouble().ShouldBe(10, tolerance: 0.01);
        t[1].GetProperty("limit").GetDouble().ShouldBe(48);
        t[1].GetProperty("abortedRun").GetBoolean().ShouldBeFalse();
        t[2].GetProperty("result").GetString().ShouldBe("pass");
        t[2].GetProperty("unit").GetString().ShouldBe("ratio");
        t[2].GetProperty("limit").GetDouble().ShouldBe(0.01);
        t[2].GetProperty("measured").GetDouble().ShouldBe(0);
        t[3].GetProperty("result").GetString().ShouldBe("noData");
        t[3].GetProperty("row").GetString().ShouldBe("<b>missing</b>");
        t[3].GetProperty("measured").ValueKind.ShouldBe(JsonValueKind.Null);
        t[3].GetProperty("note").GetString()!.ShouldNotBeEmpty();
        e.TryGetProperty("abortedBy", out _).ShouldBeFalse();
    }

    [Fact]
    public void Write_StoppedView_CarriesTheEndOfRunResultsAndTheAbort()
    {
        StatsSnapshot stats = TenPerSecondFor10Seconds();
        // The end-of-run results as the run measured them (47 req/s here, not the 10 the stats would give), so the
        // event provably sends RunResult.Thresholds rather than measuring again.
        var rpsAtEnd = new ThresholdResult(Rps, CheckOutcome.Failed, 47);
        var result = new RunResult
        {
            Stats = stats,
            StopReason = StopReason.ThresholdAborted,
            Seed = 1,
            EndedAt = stats.Timestamp,
            UserClasses = [],
            Validity = RunValidity.Judge(stats),
            Thresholds = [ThresholdEvaluator.Evaluate(P95, stats), rpsAtEnd],
            AbortedBy = [new ThresholdResult(Rps, CheckOutcome.Failed, 12.5)],
        };
        var view = new DashboardView { Version = 9, RunId = 1, State = DashboardRunState.Stopped, Stats = stats, Result = result, Thresholds = [P95, Rps] };

        JsonElement e = Write(view);

        e.GetProperty("stopReason").GetString().ShouldBe("ThresholdAborted");
        e.GetProperty("thresholdsFinal").GetBoolean().ShouldBeTrue();
        JsonElement[] t = [.. e.GetProperty("thresholds").EnumerateArray()];
        t[0].GetProperty("result").GetString().ShouldBe("pass");
        t[0].GetProperty("abortedRun").GetBoolean().ShouldBeFalse();
        t[1].GetProperty("result").GetString().ShouldBe("fail");
        t[1].GetProperty("measured").GetDouble().ShouldBe(47);
        t[1].GetProperty("abortedRun").GetBoolean().ShouldBeTrue();
        JsonElement aborted = e.GetProperty("abortedBy").EnumerateArray().ShouldHaveSingleItem();
        aborted.GetProperty("expression").GetString().ShouldBe("rps>=48 abort");
        aborted.GetProperty("measured").GetDouble().ShouldBe(12.5);
        aborted.GetProperty("measuredText").GetString().ShouldBe("12.5 req/s");
    }

    [Fact]
    public void Write_SnapshotWatchingTheTarget_CarriesEachSeriesLatestValueAndEachSourcesScrapes()
    {
        StatsSnapshot stats = Watched(TenPerSecondFor10Seconds());

        JsonElement target = Write(new DashboardView { Version = 2, RunId = 1, State = DashboardRunState.Running, Stats = stats }).GetProperty("target");

        target.GetProperty("intervalSeconds").GetDouble().ShouldBe(1);
        JsonElement[] sources = [.. target.GetProperty("sources").EnumerateArray()];
        sources.Select(s => s.GetProperty("name").GetString()).ShouldBe(["demo", "pid 4242"]);
        sources[0].GetProperty("kind").GetString().ShouldBe("prometheus");
        sources[0].GetProperty("url").GetString().ShouldBe("http://127.0.0.1:8080/metrics");
        sources[0].GetProperty("scrapes").GetInt64().ShouldBe(11);
        sources[0].GetProperty("failures").GetInt64().ShouldBe(1);
        sources[0].GetProperty("timeouts").GetInt64().ShouldBe(1);
        sources[0].GetProperty("lastError").GetString().ShouldBe("timed out after 500 ms");
        sources[0].GetProperty("up").GetBoolean().ShouldBeTrue();
        sources[1].TryGetProperty("lastError", out _).ShouldBeFalse();

        JsonElement[] series = [.. target.GetProperty("series").EnumerateArray()];
        series.Select(s => s.GetProperty("name").GetString()).ShouldBe(["process_cpu_seconds_total", "process_resident_memory_bytes", "stampede_demo_queue_length{model=\"resnet18\"}", "stampede_demo_workers_busy"]);

        // CPU: the last second had no scrape, so the latest value is the one before it, 1.5 of 2 cores.
        series[0].GetProperty("resource").GetString().ShouldBe("cpu");
        series[0].GetProperty("unit").GetString().ShouldBe("cores");
        series[0].GetProperty("source").GetString().ShouldBe("pid 4242");
        series[0].GetProperty("value").GetDouble().ShouldBe(1.5);
        series[0].GetProperty("capacity").GetDouble().ShouldBe(2);
        series[0].GetProperty("normalised").GetBoolean().ShouldBeTrue();
        series[0].GetProperty("percent").GetDouble().ShouldBe(75);

        // Memory: no capacity known, so no share of it.
        series[1].GetProperty("value").GetDouble().ShouldBe(2e8);
        series[1].GetProperty("capacity").ValueKind.ShouldBe(JsonValueKind.Null);
        series[1].GetProperty("normalised").GetBoolean().ShouldBeFalse();
        series[1].GetProperty("percent").ValueKind.ShouldBe(JsonValueKind.Null);

        // Queue: 16 of 64.
        series[2].GetProperty("percent").GetDouble().ShouldBe(25);

        // Workers: the pool grew to 4 in the last second, so 3 busy is 75% of the capacity of that second.
        series[3].GetProperty("capacity").GetDouble().ShouldBe(4);
        series[3].GetProperty("percent").GetDouble().ShouldBe(75);
        target.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ShouldBe(["demo: the scrape timed out after 500 ms"]);
    }

    [Fact]
    public void Write_SnapshotWatchingTheTarget_PointsAreEachSeriesPerSecondAlignedWithTheTimeAxis()
    {
        StatsSnapshot stats = Watched(TenPerSecondFor10Seconds());
        var view = new DashboardView { Version = 2, RunId = 1, State = DashboardRunState.Running, Stats = stats };

        using JsonDocument all = JsonDocument.Parse(DashboardEvents.Write(view, 0, out int to));
        using JsonDocument later = JsonDocument.Parse(DashboardEvents.Write(view, 7, out _));

        JsonElement points = all.RootElement.GetProperty("points");
        int seconds = points.GetProperty("time").GetArrayLength();
        seconds.ShouldBe(stats.History.Count);
        to.ShouldBe(seconds);
        JsonElement[] target = [.. points.GetProperty("target").EnumerateArray()];
        target.Length.ShouldBe(4);
        target.ShouldAllBe(t => t.GetArrayLength() == seconds);

        // % of capacity for CPU (cores of 2) and the workers (of 2, then 4), raw bytes for memory, a gap where none was read.
        Numbers(target[0]).ShouldBe(Cpu.Select(v => v is { } c ? (double?)(c / 2 * 100) : null));
        Numbers(target[1])[0].ShouldBe(2e8);
        Numbers(target[3])[^1].ShouldBe(75);
        Numbers(target[3])[0].ShouldBe(50);

        // A client that has 7 points gets the rest of each series only.
        JsonElement[] rest = [.. later.RootElement.GetProperty("points").GetProperty("target").EnumerateArray()];
        rest.ShouldAllBe(t => t.GetArrayLength() == seconds - 7);
        Numbers(rest[0]).ShouldBe(Numbers(target[0]).Skip(7));
    }

    [Fact]
    public void Write_NewPageOnALongRun_GetsTheLastHourOfPointsAndAppendsFromThere()
    {
        // Two hours of seconds: a page that has none gets the last 3,600 (older ones may be on disk), then only what is new.
        StatsSnapshot one = TenPerSecondFor10Seconds();
        IntervalStats second = one.History[0];
        IntervalStats[] twoHours = [.. Enumerable.Range(0, 7200).Select(i => second with { Second = i, Start = one.StartedAt.AddSeconds(i) })];
        var view = new DashboardView { Version = 2, RunId = 1, State = DashboardRunState.Running, Stats = one with { History = twoHours } };

        using JsonDocument first = JsonDocument.Parse(DashboardEvents.Write(view, 0, out int to));
        using JsonDocument next = JsonDocument.Parse(DashboardEvents.Write(view, to, out int after));

        JsonElement points = first.RootElement.GetProperty("points");
        points.GetProperty("from").GetInt32().ShouldBe(7200 - DashboardEvents.MaxPointsAtOnce);
        points.GetProperty("time").GetArrayLength().ShouldBe(DashboardEvents.MaxPointsAtOnce);
        to.ShouldBe(7200);
        next.RootElement.GetProperty("points").GetProperty("from").GetInt32().ShouldBe(7200);
        next.RootElement.GetProperty("points").GetProperty("time").GetArrayLength().ShouldBe(0);
        after.ShouldBe(7200);
    }

    [Fact]
    public void Write_NothingWatched_HasNoTargetNorTargetPoints()
    {
        JsonElement e = Write(new DashboardView { Version = 1, RunId = 1, State = DashboardRunState.Running, Stats = TenPerSecondFor10Seconds() });

        e.TryGetProperty("target", out _).ShouldBeFalse();
        e.TryGetProperty("bottleneck", out _).ShouldBeFalse();
        e.GetProperty("points").TryGetProperty("target", out _).ShouldBeFalse();
    }

    [Fact]
    public void Write_StoppedViewWithABottleneck_CarriesTheVerdictsSummary()
    {
        StatsSnapshot stats = Watched(TenPerSecondFor10Seconds());
        var result = new RunResult
        {
            Stats = stats,
            StopReason = StopReason.RunTimeElapsed,
            Seed = 1,
            EndedAt = stats.Timestamp,
            UserClasses = [],
            Validity = RunValidity.Judge(stats),
            Bottleneck = new BottleneckAnalysis { Resource = "cpu", Summary = "The process ran out of CPU: 1.96 of 2 cores <98%>.", AtSecond = 6 },
        };

        JsonElement e = Write(new DashboardView { Version = 9, RunId = 1, State = DashboardRunState.Stopped, Stats = stats, Result = result });

        JsonElement bottleneck = e.GetProperty("bottleneck");
        bottleneck.GetProperty("resource").GetString().ShouldBe("cpu");
        bottleneck.GetProperty("headline").GetString().ShouldBe("Bottleneck: cpu");
        bottleneck.GetProperty("summary").GetString().ShouldBe("The process ran out of CPU: 1.96 of 2 cores <98%>.");
        bottleneck.GetProperty("atSecond").GetInt64().ShouldBe(6);
        e.GetProperty("target").GetProperty("series").GetArrayLength().ShouldBe(4);
    }

    [Fact]
    public void Write_RunningCapacitySearch_CarriesItsProgressAndEveryStepSoFar()
    {
        StatsSnapshot stats = Searching(TenPerSecondFor10Seconds());

        JsonElement experiment = Write(new DashboardView { Version = 4, RunId = 1, State = DashboardRunState.Running, Stats = stats }).GetProperty("experiment");

        experiment.GetProperty("kind").GetString().ShouldBe("capacity");
        experiment.GetProperty("phase").GetString().ShouldBe("bisect");
        experiment.GetProperty("step").GetInt32().ShouldBe(3);
        experiment.GetProperty("rate").GetDouble().ShouldBe(15);
        experiment.GetProperty("stepSecondsLeft").GetInt32().ShouldBe(4);
        experiment.GetProperty("secondsLeft").GetInt32().ShouldBe(34);
        experiment.GetProperty("lastPassRate").GetDouble().ShouldBe(10);
        experiment.GetProperty("firstFailRate").GetDouble().ShouldBe(20);
        experiment.GetProperty("text").GetString().ShouldBe(stats.Experiment!.Text);
        JsonElement[] steps = [.. experiment.GetProperty("steps").EnumerateArray()];
        steps.Select(s => s.GetProperty("rate").GetDouble()).ShouldBe([10, 20]);
        steps.Select(s => s.GetProperty("pass").GetBoolean()).ShouldBe([true, false]);
        steps[1].GetProperty("p95Ms").GetDouble().ShouldBe(420);
        steps[1].GetProperty("errorRate").GetDouble().ShouldBe(0.02);
        steps[1].GetProperty("reason").GetString().ShouldBe("p95<300ms (p95 = 420 ms)");
    }

    [Fact]
    public void Write_PlainRun_HasNoExperimentNorAnalyses()
    {
        JsonElement e = Write(new DashboardView { Version = 1, RunId = 1, State = DashboardRunState.Running, Stats = TenPerSecondFor10Seconds() });

        e.TryGetProperty("experiment", out _).ShouldBeFalse();
        e.TryGetProperty("analyses", out _).ShouldBeFalse();
    }

    [Fact]
    public void Write_StoppedRunWithAnalyses_CarriesEachVerdictWithItsSummary()
    {
        StatsSnapshot stats = Searching(TenPerSecondFor10Seconds());
        RunResult result = Analysed(stats);

        JsonElement[] analyses = [.. Write(new DashboardView { Version = 9, RunId = 1, State = DashboardRunState.Stopped, Stats = stats, Result = result }).GetProperty("analyses").EnumerateArray()];

        analyses.Select(a => (a.GetProperty("kind").GetString(), a.GetProperty("verdict").GetString())).ShouldBe([("capacity", "pass"), ("autoscaling", "fail"), ("drift", "fail")]);
        analyses[0].GetProperty("summary").GetString().ShouldBe(result.Capacity!.Summary);
        analyses[1].GetProperty("summary").GetString().ShouldBe("recovered 14 s after the spike, past --max-recovery 1 s");
        analyses[2].GetProperty("summary").GetString().ShouldBe("p95 of POST predict: rising, +2 ms per minute (+20 ms over the run); fails --soak");
    }

    /// <summary><paramref name="stats"/> in the third step of a capacity search (10/s passed, 20/s failed on p95, 15/s running).</summary>
    internal static StatsSnapshot Searching(StatsSnapshot stats) => stats with
    {
        Experiment = new Experiments.ExperimentProgress
        {
            Kind = "capacity",
            Phase = "bisect",
            Step = 3,
            Rate = 15,
            StepSecondsLeft = 4,
            SecondsLeft = 34,
            LastPassRate = 10,
            FirstFailRate = 20,
            Steps = [Step(1, "grow", 10, 120, 0, pass: true, "met the SLO"), Step(2, "grow", 20, 420, 0.02, pass: false, "p95<300ms (p95 = 420 ms)")],
            Text = "Capacity search: step 3 (bisect) at 15/s, 4 s left in it, last 20/s failed, bracket 10–20/s, about 34 s left",
        },
    };

    /// <summary>The ended run of <paramref name="stats"/> with a capacity found, a failed autoscaling verdict, and one drifting and one stable series.</summary>
    internal static RunResult Analysed(StatsSnapshot stats) => new()
    {
        Stats = stats,
        StopReason = StopReason.ExperimentFinished,
        Seed = 1,
        EndedAt = stats.Timestamp,
        UserClasses = [],
        Validity = RunValidity.Judge(stats),
        Capacity = new Experiments.CapacityAnalysis { MaxRate = 14.5, Valid = true, Summary = "Capacity under the SLO (p95<300ms): 14.5 iterations/s <within 5%>.", Slo = ["p95<300ms"], Steps = stats.Experiment!.Steps },
        Autoscaling = new AutoscalingAnalysis { Verdict = AutoscalingAnalyzer.Fail, Reason = "recovered 14 s after the spike, past --max-recovery 1 s", Series = "workers", StableForSeconds = 10, MaxRecoverySeconds = 1, OfferedUnit = "iterations/s" },
        Drift = new DriftAnalysis
        {
            Soak = true,
            WarmupSeconds = 0,
            Intervals = 600,
            FromSecond = 0,
            ToSecond = 600,
            Series = [Drift(DriftDirection.Rising, 2, 20), Drift(DriftDirection.Stable, 0.01, 0.1)],
        },
    };

    private static Experiments.CapacityStep Step(int number, string phase, double rate, double p95, double errorRate, bool pass, string reason) => new()
    {
        Number = number,
        Phase = phase,
        Rate = rate,
        StartSecond = (number - 1) * 10,
        JudgedFromSecond = ((number - 1) * 10) + 2,
        EndSecond = number * 10,
        AchievedRate = rate,
        Throughput = rate * (1 - errorRate),
        P50Ms = p95 / 2,
        P95Ms = p95,
        P99Ms = p95 * 1.2,
        ErrorRate = errorRate,
        Requests = (long)(rate * 8),
        Pass = pass,
        Reason = reason,
    };

    private static DriftSeries Drift(DriftDirection direction, double slopePerMinute, double change) => new()
    {
        Metric = DriftMetric.Latency,
        Series = "POST predict",
        Row = "POST predict",
        Unit = "ms",
        Direction = direction,
        SlopePerMinute = slopePerMinute,
        SlopeLowPerMinute = slopePerMinute / 2,
        SlopeHighPerMinute = slopePerMinute * 2,
        ChangeOverRun = change,
        PValue = 0.001,
        N = 600,
        Points = 600,
        Median = 100,
        MaterialChange = 5,
        FromSecond = 0,
        ToSecond = 600,
        StartValue = 100,
        EndValue = 100 + change,
        SoakChecked = true,
    };

    /// <summary>CPU of pid 4242 in cores, one per history interval (11: the request at 10 s closes an eleventh); the last had no scrape.</summary>
    private static readonly double?[] Cpu = [0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.5, 1.5, 1.5, null];

    /// <summary><paramref name="stats"/> with a target watched by hand: two sources and four series, one value per history interval.</summary>
    internal static StatsSnapshot Watched(StatsSnapshot stats)
    {
        stats.History.Count.ShouldBe(Cpu.Length);
        var target = new TargetSnapshot
        {
            Sources =
            [
                new TargetSourceStats { Name = "demo", Address = "http://127.0.0.1:8080/metrics", Kind = "prometheus", Scrapes = 11, Failures = 1, Timeouts = 1, LastError = "timed out after 500 ms", Up = true, MeanScrapeMs = 3.4 },
                new TargetSourceStats { Name = "pid 4242", Address = "/proc/4242", Kind = "process", Scrapes = 11, Up = true, MeanScrapeMs = 0.1 },
            ],
            Series =
            [
                new TargetSeries { Source = "pid 4242", Name = "process_cpu_seconds_total", Resource = TargetResource.Cpu, Unit = "cores", Kind = "rate", Description = "CPU used by the process", Capacity = 2, Values = Cpu },
                new TargetSeries { Source = "pid 4242", Name = "process_resident_memory_bytes", Resource = TargetResource.Memory, Unit = "bytes", Kind = "gauge", Description = "Memory resident in RAM", Values = [.. Enumerable.Repeat<double?>(2e8, 11)] },
                new TargetSeries
                {
                    Source = "demo",
                    Name = "stampede_demo_queue_length",
                    Labels = new Dictionary<string, string> { ["model"] = "resnet18" },
                    Resource = TargetResource.Queue,
                    Unit = "requests",
                    Kind = "gauge",
                    Description = "Requests waiting",
                    Capacity = 64,
                    Values = [0, 0, 0, null, 0, 2, 4, 8, 12, 14, 16],
                },
                new TargetSeries
                {
                    Source = "demo",
                    Name = "stampede_demo_workers_busy",
                    Resource = TargetResource.Concurrency,
                    Unit = "workers",
                    Kind = "gauge",
                    Description = "Workers busy",
                    Capacity = 2,
                    Capacities = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4],
                    Values = [1, 1, 1, null, 2, 2, 2, 2, 2, 2, 3],
                },
            ],
            Warnings = [new TargetWarning(TimeSpan.FromSeconds(3.5), "demo", "demo: the scrape timed out after 500 ms")],
        };
        return stats with { Target = target };
    }

    private static List<double?> Numbers(JsonElement array) =>
        [.. array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble())];

    internal static StatsSnapshot TenPerSecondFor10Seconds()
    {
        var builder = new RunReportBuilder();
        for (int i = 1; i <= 100; i++)
        {
            builder.Request("POST", "predict", TimeSpan.FromMilliseconds(i * 100), TimeSpan.FromMilliseconds(100));
        }

        return builder.Build(TimeSpan.FromSeconds(10)).Result.Stats;
    }

    private static JsonElement Write(DashboardView view)
    {
        using JsonDocument document = JsonDocument.Parse(DashboardEvents.Write(view, 0, out _));
        return document.RootElement.Clone();
    }
}
