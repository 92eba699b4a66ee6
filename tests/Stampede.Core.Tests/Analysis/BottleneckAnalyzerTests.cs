using Shouldly;
using Stampede.Analysis;
using Stampede.Monitoring;
using Xunit;

namespace Stampede.Core.Tests.Analysis;

public sealed class BottleneckAnalyzerTests
{
    private const int Seconds = 60;

    [Fact]
    public void Analyze_SleepingWorkersWithGrowingQueueAndIdleCpu_NamesQueueNotCpu()
    {
        // A closed ramp of 0 → 60 users against a server of capacity 40 req/s set by its workers, not its CPU.
        BottleneckInput run = Ramp(capacity: 40, series:
        [
            Series("queue_depth", TargetResource.Queue, "requests", null, s => Math.Max(0, Offered(s) - 40) * 0.8),
            Series("process_cpu_seconds_total", TargetResource.Cpu, "cores", 2, _ => 0.15),
        ]);

        BottleneckAnalysis result = BottleneckAnalyzer.Analyze(run);

        result.Resource.ShouldBe("queue");
        result.KneeKind.ShouldBe("throughput-plateau");
        result.ThroughputAtKnee!.Value.ShouldBe(40, tolerance: 4);
        result.Evidence[0].Resource.ShouldBe("queue");
        result.Evidence.Single(e => e.Resource == "cpu").State.ShouldBe("idle");
        result.NotWatched.ShouldContain("gpu");
        result.Summary.ShouldContain("throughput stopped rising");
    }

    [Fact]
    public void Analyze_CpuSaturatedAtTheKnee_NamesCpuEvenWithTheQueueGrowing()
    {
        BottleneckInput run = Ramp(capacity: 42, series:
        [
            Series("node_cpu_busy_cores", TargetResource.Cpu, "cores", 2, s => Math.Min(2, Offered(s) / 42 * 2)),
            Series("queue_depth", TargetResource.Queue, "requests", 64, s => Math.Max(0, Offered(s) - 42)),
            Series("workers_busy", TargetResource.Concurrency, "workers", 2, s => Math.Min(2, Offered(s) / 21)),
        ]);

        BottleneckAnalysis result = BottleneckAnalyzer.Analyze(run);

        result.Resource.ShouldBe("cpu");
        result.ThroughputAtKnee!.Value.ShouldBe(42, tolerance: 4.2);
        result.Evidence[0].State.ShouldBe("saturated");
        result.Evidence[0].Utilization!.Value.ShouldBeGreaterThan(0.9);
    }

    [Fact]
    public void Analyze_GeneratorBoundBeforeTheKnee_NamesTheGenerator()
    {
        BottleneckInput run = Ramp(capacity: 40, series: [Series("node_cpu_busy_cores", TargetResource.Cpu, "cores", 2, _ => 1.9)]);
        bool[] bound = new bool[Seconds];
        for (int s = 10; s < Seconds; s++)
        {
            bound[s] = true;
        }

        BottleneckAnalysis result = BottleneckAnalyzer.Analyze(run with { GeneratorBound = bound });

        result.Resource.ShouldBe("generator");
        result.Evidence[0].Resource.ShouldBe("generator");
        result.Summary.ShouldContain("second 11");
    }

    [Fact]
    public void Analyze_KneeWithNothingWatched_IsUnknownAndSaysWhatToAdd()
    {
        BottleneckAnalysis result = BottleneckAnalyzer.Analyze(Ramp(capacity: 40, series: []));

        result.Resource.ShouldBe("unknown");
        result.AtSecond.ShouldNotBeNull();
        result.Watched.ShouldBeEmpty();
        result.NotWatched.ShouldBe(["cpu", "memory", "gpu", "gpu-memory", "network", "disk", "queue", "concurrency"]);
        result.Advice.ShouldContain(a => a.Contains("--metrics-url") && a.Contains("--watch-pid"));
    }

    [Fact]
    public void Analyze_ThroughputFollowsLoad_SaysNoSaturation()
    {
        BottleneckInput run = Ramp(capacity: 1000, series: [Series("node_cpu_busy_cores", TargetResource.Cpu, "cores", 2, s => 0.2 + (s * 0.01))]);

        BottleneckAnalysis result = BottleneckAnalyzer.Analyze(run);

        result.Resource.ShouldBe("none");
        result.AtSecond.ShouldBeNull();
        result.Summary.ShouldStartWith("No saturation reached: throughput followed load");
    }

    [Fact]
    public void Analyze_FewUsersWithThinkTimeAndFlatLatency_NoKneeFromCountingNoise()
    {
        // A healthy smoke run: 2 users a second to 10, each about 0.8 requests/s (think time), p50 flat at 25 ms.
        // The per-second successes are Poisson counts: at 8/s their 5-second means still wander by ±15%, which a
        // 10% rise of the users cannot be told from. None of 50 such runs may have a knee.
        for (int seed = 1; seed <= 50; seed++)
        {
            var random = new Random(seed);
            const int seconds = 30;
            double[] users = [.. Enumerable.Range(0, seconds).Select(s => Math.Min(10, 2.0 * (s + 1)))];
            var run = new BottleneckInput
            {
                OpenModel = false,
                Offered = users,
                Succeeded = [.. users.Select(u => (double)Poisson(random, 0.8 * u))],
                ErrorRate = new double[seconds],
                P50Ms = [.. users.Select(_ => 25 + random.NextDouble())],
                GeneratorBound = new bool[seconds],
                SloFailed = new bool[seconds],
                GeneratorCpuPercent = [.. Enumerable.Repeat(3.0, seconds)],
                Target = TargetSnapshot.Empty,
            };

            BottleneckAnalysis result = BottleneckAnalyzer.Analyze(run);

            result.Resource.ShouldBe("none", $"seed {seed}: {result.Summary}");
        }
    }

    [Fact]
    public void Analyze_ServerFailsBeforeAnyResourceSaturates_NamesErrors()
    {
        BottleneckInput run = Ramp(capacity: 30, series: [Series("node_cpu_busy_cores", TargetResource.Cpu, "cores", 4, _ => 0.5)]);
        double[] errors = [.. Enumerable.Range(0, Seconds).Select(s => Offered(s) > 30 ? 0.4 : 0)];

        BottleneckAnalysis result = BottleneckAnalyzer.Analyze(run with { ErrorRate = errors, TopFailure = "HTTP 500 Internal Server Error" });

        result.Resource.ShouldBe("errors");
        result.Evidence[0].Detail.ShouldContain("HTTP 500");
    }

    [Fact]
    public void Analyze_OpenModelArrivalsAboveCapacity_FindsTheShortfall()
    {
        // A steady 60 arrivals/s against 40/s of capacity: the load does not rise, completions fall short.
        double[] offered = [.. Enumerable.Repeat(60.0, 30)];
        double[] ok = [.. Enumerable.Range(0, 30).Select(s => s == 0 ? 20.0 : 40.0)];
        var run = new BottleneckInput
        {
            OpenModel = true,
            Offered = offered,
            Succeeded = ok,
            ErrorRate = new double[30],
            P50Ms = [.. Enumerable.Range(0, 30).Select(s => 100.0 + (s * 50))],
            GeneratorBound = new bool[30],
            SloFailed = new bool[30],
            GeneratorCpuPercent = new double[30],
            Target = Target([Series("queue", TargetResource.Queue, "requests", null, s => s * 20.0, 30)]),
        };

        BottleneckAnalysis result = BottleneckAnalyzer.Analyze(run);

        result.KneeKind.ShouldBe("throughput-short");
        result.Resource.ShouldBe("queue");
        result.ThroughputAtKnee!.Value.ShouldBe(40, tolerance: 1);
    }

    [Fact]
    public void Analyze_ConstantLoadWithASaturatedResource_NamesItAtTheSteadyLoad()
    {
        double[] users = [.. Enumerable.Range(0, 30).Select(s => s < 3 ? 10.0 * (s + 1) : 30.0)];
        var run = new BottleneckInput
        {
            OpenModel = false,
            Offered = users,
            Succeeded = [.. users.Select(u => Math.Min(u, 25.0))],
            ErrorRate = new double[30],
            P50Ms = [.. Enumerable.Repeat(80.0, 30)],
            GeneratorBound = new bool[30],
            SloFailed = new bool[30],
            GeneratorCpuPercent = new double[30],
            Target = Target([Series("DCGM_FI_DEV_GPU_UTIL", TargetResource.Gpu, "percent", 100, _ => 97, 30)]),
        };

        BottleneckAnalysis result = BottleneckAnalyzer.Analyze(run);

        result.Resource.ShouldBe("gpu");
        result.KneeKind.ShouldBe("steady-saturation");
    }

    [Fact]
    public void Analyze_RampWithoutKneeButABusyGaugeAtTheTop_SaysNoSaturation()
    {
        // Workers sampled busy at most reads near the top of a ramp, yet throughput followed the load all the way.
        BottleneckInput run = Ramp(capacity: 1000, series: [Series("workers_busy", TargetResource.Concurrency, "workers", 2, s => s > 40 ? 2 : 1)]);

        BottleneckAnalysis result = BottleneckAnalyzer.Analyze(run);

        result.Resource.ShouldBe("none", result.Summary);
    }

    [Fact]
    public void Analyze_LatencyBendsBeforeThroughputPlateaus_UsesThePlateau()
    {
        BottleneckInput run = Ramp(capacity: 40, series: []);
        double[] p50 = [.. Enumerable.Range(0, Seconds).Select(s => Offered(s) > 30 ? 400.0 : 50.0)];

        BottleneckAnalysis result = BottleneckAnalyzer.Analyze(run with { P50Ms = p50 });

        result.KneeKind.ShouldBe("throughput-plateau");
    }

    /// <summary>Users rising 1/s to 60 over the run, each offering 1 request/s, against a server of <paramref name="capacity"/> req/s.</summary>
    private static BottleneckInput Ramp(double capacity, IReadOnlyList<TargetSeries> series)
    {
        double[] offered = [.. Enumerable.Range(0, Seconds).Select(Offered)];
        return new BottleneckInput
        {
            OpenModel = false,
            Offered = offered,
            Succeeded = [.. offered.Select((o, s) => Math.Min(o, capacity) * (1 + (0.02 * Math.Sin(s))))],
            ErrorRate = new double[Seconds],
            P50Ms = [.. offered.Select(o => o > capacity ? 50 + ((o - capacity) * 25) : 50)],
            GeneratorBound = new bool[Seconds],
            SloFailed = new bool[Seconds],
            GeneratorCpuPercent = [.. Enumerable.Repeat(20.0, Seconds)],
            Target = Target(series),
        };
    }

    private static double Offered(int second) => second + 1;

    /// <summary>A Poisson count (Knuth's method; fine for the small means here).</summary>
    private static int Poisson(Random random, double mean)
    {
        double limit = Math.Exp(-mean);
        double product = random.NextDouble();
        int count = 0;
        while (product > limit)
        {
            count++;
            product *= random.NextDouble();
        }

        return count;
    }

    private static TargetSnapshot Target(IReadOnlyList<TargetSeries> series) => series.Count == 0 ? TargetSnapshot.Empty : new TargetSnapshot
    {
        Sources = [new TargetSourceStats { Name = "server", Address = "http://127.0.0.1:1/metrics", Kind = "prometheus", Scrapes = Seconds }],
        Series = series,
    };

    private static TargetSeries Series(string name, TargetResource resource, string unit, double? capacity, Func<int, double> value, int seconds = Seconds) => new()
    {
        Source = "server",
        Name = name,
        Resource = resource,
        Unit = unit,
        Kind = "gauge",
        Description = name,
        Capacity = capacity,
        Values = [.. Enumerable.Range(0, seconds).Select(s => (double?)value(s))],
    };
}
