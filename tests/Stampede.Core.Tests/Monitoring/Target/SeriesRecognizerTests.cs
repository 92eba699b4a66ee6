using Stampede.Monitoring;
using Stampede.Monitoring.Prometheus;
using Stampede.Monitoring.Target;

namespace Stampede.Core.Tests.Monitoring.Target;

public sealed class SeriesRecognizerTests
{
    private const double MiB = 1024 * 1024;

    private readonly List<string> _warnings = [];
    private readonly HostFacts _hosts = new(localCores: 4, localMemoryBytes: 8e9);

    [Fact]
    public void Recognize_NodeExporterOneSecondApart_DerivesBusyCoresNetworkAndDisk()
    {
        // Arrange: two scrapes 1 s apart; cpu0 busy 0.5 + 0.2, cpu1 busy 0.3 + 0.1 + 0.1 (idle, iowait and steal are not busy).
        string first = Expositions.Fixture("node_exporter.prom");
        string second = Expositions.Advance(
            first,
            ("node_cpu_seconds_total{cpu=\"0\",mode=\"user\"}", 0.5),
            ("node_cpu_seconds_total{cpu=\"0\",mode=\"system\"}", 0.2),
            ("node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}", 0.25),
            ("node_cpu_seconds_total{cpu=\"0\",mode=\"iowait\"}", 0.05),
            ("node_cpu_seconds_total{cpu=\"1\",mode=\"user\"}", 0.3),
            ("node_cpu_seconds_total{cpu=\"1\",mode=\"softirq\"}", 0.1),
            ("node_cpu_seconds_total{cpu=\"1\",mode=\"nice\"}", 0.1),
            ("node_cpu_seconds_total{cpu=\"1\",mode=\"steal\"}", 0.4),
            ("node_cpu_seconds_total{cpu=\"1\",mode=\"idle\"}", 0.1),
            ("node_network_receive_bytes_total{device=\"eth0\"}", 1_000_000),
            ("node_network_receive_bytes_total{device=\"lo\"}", 50_000_000),
            ("node_disk_io_time_seconds_total{device=\"nvme0n1\"}", 0.35),
            ("node_disk_io_time_seconds_total{device=\"sda\"}", 0.1));
        SeriesRecognizer recognizer = Recognizer(new ScriptedSource("node"));

        // Act
        IReadOnlyList<Observation> atBase = recognizer.Recognize(Expositions.Parse(first), 10);
        IReadOnlyList<Observation> later = recognizer.Recognize(Expositions.Parse(second), 11);

        // Assert: the first scrape only gives the counters a base.
        atBase.Select(o => o.Name).ShouldBe(["node_memory_used_bytes"]);
        Observation cpu = later.Single(o => o.Name == "node_cpu_busy_cores");
        cpu.Value.ShouldBe(1.2, 1e-6);
        cpu.Capacity.ShouldBe(2);
        cpu.Resource.ShouldBe(TargetResource.Cpu);
        cpu.Unit.ShouldBe("cores");
        Observation received = later.Single(o => o.Name == "node_network_receive_bytes_per_second");
        received.Value.ShouldBe(1_000_000, 1e-3);
        received.Resource.ShouldBe(TargetResource.Network);
        received.Capacity.ShouldBeNull();
        later.ShouldNotContain(o => o.Name == "node_network_transmit_bytes_per_second");
        Observation disk = later.Single(o => o.Name == "node_disk_busy_percent");
        disk.Value.ShouldBe(35, 1e-6);
        disk.Capacity.ShouldBe(100);
        _warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Recognize_NodeExporterMemory_UsedIsTotalLessAvailableOfTotal()
    {
        SeriesRecognizer recognizer = Recognizer(new ScriptedSource("node"));

        Observation memory = recognizer.Recognize(Expositions.Parse(Expositions.Fixture("node_exporter.prom")), 1)
            .Single(o => o.Name == "node_memory_used_bytes");

        memory.Value.ShouldBe(67_332_145_152d - 54_212_345_856d);
        memory.Capacity.ShouldBe(67_332_145_152d);
        memory.CapacitySource.ShouldBe("node_memory_MemTotal_bytes");
        memory.Resource.ShouldBe(TargetResource.Memory);
    }

    [Fact]
    public void Recognize_NodeExporterOfARemoteHost_GivesItsCoresAndMemoryToThatHostsProcessSeries()
    {
        // Arrange: node_exporter and an app on gpu-node-01 (remote), sharing one HostFacts.
        var node = Recognizer(new ScriptedSource("node", isLocal: false, hostKey: "gpu-node-01"));
        var app = Recognizer(new ScriptedSource("app", isLocal: false, hostKey: "gpu-node-01"));
        const string App = "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {0}\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1e9\n";

        // Act
        node.Recognize(Expositions.Parse(Expositions.Fixture("node_exporter.prom")), 1);
        app.Recognize(Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, App, 100)), 1);
        IReadOnlyList<Observation> observed = app.Recognize(Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, App, 101.5)), 2);

        // Assert
        Observation cpu = observed.Single(o => o.Name == "process_cpu_seconds_total");
        cpu.Value.ShouldBe(1.5, 1e-9);
        cpu.Capacity.ShouldBe(2);
        cpu.CapacitySource.ShouldBe("2 CPUs (node_cpu_seconds_total)");
        observed.Single(o => o.Name == "process_resident_memory_bytes").Capacity.ShouldBe(67_332_145_152d);
    }

    [Fact]
    public void Recognize_DcgmExporter_GpuUtilPercentAndFramebufferBytesOfUsedPlusFree()
    {
        SeriesRecognizer recognizer = Recognizer();

        IReadOnlyList<Observation> observed = recognizer.Recognize(Expositions.Parse(Expositions.Fixture("dcgm_exporter.prom")), 1);

        Observation[] util = [.. observed.Where(o => o.Name == "DCGM_FI_DEV_GPU_UTIL")];
        util.Select(o => o.Labels.ToString()).ShouldBe(["{gpu=\"0\"}", "{gpu=\"1\"}"]);
        util.Select(o => o.Value).ShouldBe([87d, 12d]);
        util.ShouldAllBe(o => o.Resource == TargetResource.Gpu && o.Capacity == 100 && o.Unit == "percent");
        Observation fb0 = observed.Single(o => o.Name == "DCGM_FI_DEV_FB_USED" && o.Labels.Get("gpu") == "0");
        fb0.Value.ShouldBe(76_864 * MiB);
        fb0.Capacity.ShouldBe((76_864 + 4_215) * MiB);
        fb0.Resource.ShouldBe(TargetResource.GpuMemory);
        fb0.Unit.ShouldBe("bytes");
        observed.Single(o => o.Name == "DCGM_FI_DEV_FB_USED" && o.Labels.Get("gpu") == "1").Capacity.ShouldBe((530 + 80_549) * MiB);
        Observation power = observed.First(o => o.Name == "DCGM_FI_DEV_POWER_USAGE");
        power.Resource.ShouldBeNull();
        power.Value.ShouldBe(612.347);
    }

    [Fact]
    public void Recognize_TritonTwoScrapes_QueueMillisecondsPerRequestFromTheDeltas()
    {
        // Arrange: resnet50 waited 450 ms in all for 150 requests (3 ms each), bert_base 20 ms for 10 (2 ms each).
        string first = Expositions.Fixture("triton.prom");
        string second = Expositions.Advance(
            first,
            ("nv_inference_request_success{model=\"resnet50\",version=\"1\"}", 150),
            ("nv_inference_queue_duration_us{model=\"resnet50\",version=\"1\"}", 450_000),
            ("nv_inference_request_success{model=\"bert_base\",version=\"2\"}", 10),
            ("nv_inference_queue_duration_us{model=\"bert_base\",version=\"2\"}", 20_000));
        SeriesRecognizer recognizer = Recognizer();

        // Act
        IReadOnlyList<Observation> atBase = recognizer.Recognize(Expositions.Parse(first), 1);
        IReadOnlyList<Observation> later = recognizer.Recognize(Expositions.Parse(second), 2);

        // Assert
        atBase.ShouldNotContain(o => o.Name == "nv_inference_queue_ms_per_request");
        Observation[] queue = [.. later.Where(o => o.Name == "nv_inference_queue_ms_per_request")];
        queue.Select(o => o.Labels.Get("model")).ShouldBe(["resnet50", "bert_base"]);
        queue.Select(o => o.Value).ShouldBe([3d, 2d]);
        queue.ShouldAllBe(o => o.Resource == TargetResource.Queue && o.Unit == "ms");
        later.Single(o => o.Name == "nv_inference_pending_request_count" && o.Labels.Get("model") == "resnet50").Value.ShouldBe(3);
        later.Single(o => o.Name == "nv_gpu_utilization").Value.ShouldBe(42, 1e-9);
        Observation memory = later.Single(o => o.Name == "nv_gpu_memory_used_bytes");
        memory.Value.ShouldBe(21_474_836_480d);
        memory.Capacity.ShouldBe(85_899_345_920d);
    }

    [Fact]
    public void Recognize_Vllm_RunningWaitingAndKvCachePercent()
    {
        SeriesRecognizer recognizer = Recognizer();

        IReadOnlyList<Observation> observed = recognizer.Recognize(Expositions.Parse(Expositions.Fixture("vllm.prom")), 1);

        Observation running = observed.Single(o => o.Name == "vllm:num_requests_running");
        running.Value.ShouldBe(4);
        running.Resource.ShouldBe(TargetResource.Concurrency);
        running.Labels.Get("model_name").ShouldBe("meta-llama/Llama-3.1-8B-Instruct");
        Observation waiting = observed.Single(o => o.Name == "vllm:num_requests_waiting");
        waiting.Value.ShouldBe(2);
        waiting.Resource.ShouldBe(TargetResource.Queue);
        foreach (string name in new[] { "vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc" })
        {
            Observation cache = observed.Single(o => o.Name == name);
            cache.Value.ShouldBe(37.5);
            cache.Capacity.ShouldBe(100);
            cache.Resource.ShouldBe(TargetResource.GpuMemory);
        }
    }

    [Fact]
    public void Recognize_VllmDataParallelEngines_KeepsOneKvCacheSeriesPerEngine()
    {
        const string Text = "# TYPE vllm:kv_cache_usage_perc gauge\n"
            + "vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"} 0.25\n"
            + "vllm:kv_cache_usage_perc{engine=\"1\",model_name=\"m\"} 0.75\n";

        IReadOnlyList<Observation> observed = Recognizer().Recognize(Expositions.Parse(Text), 1);

        observed.Select(o => (o.Labels.Get("engine"), o.Value)).ShouldBe([("0", 25d), ("1", 75d)]);
    }

    [Fact]
    public void Recognize_DemoServer_QueueOfCapacityWorkersBusyOfReadyAndQueueWaitP95()
    {
        // Arrange: 100 waits under 1 ms before, then 100 more between 4 and 8 ms in the interval.
        string first = Expositions.Demo(queue: 3, capacity: 64, busy: 2, ready: 4, current: 5, [100, 100, 100, 100, 100]);
        string second = Expositions.Demo(queue: 7, capacity: 64, busy: 4, ready: 4, current: 5, [100, 100, 100, 200, 200], cpuSeconds: 13.5);
        SeriesRecognizer recognizer = Recognizer(new ScriptedSource("demo", isLocal: true, hostKey: "localhost"));

        // Act
        recognizer.Recognize(Expositions.Parse(first), 1);
        IReadOnlyList<Observation> observed = recognizer.Recognize(Expositions.Parse(second), 2);

        // Assert
        Observation queue = observed.Single(o => o.Name == "stampede_demo_queue_length");
        (queue.Value, queue.Capacity, queue.CapacitySource, queue.CapacityVaries).ShouldBe((7d, 64d, "stampede_demo_queue_capacity", true));
        queue.Resource.ShouldBe(TargetResource.Queue);
        Observation busy = observed.Single(o => o.Name == "stampede_demo_workers_busy");
        (busy.Value, busy.Capacity, busy.CapacitySource).ShouldBe((4d, 4d, "stampede_demo_workers_ready"));
        busy.Resource.ShouldBe(TargetResource.Concurrency);
        observed.Single(o => o.Name == "stampede_demo_workers_current").Resource.ShouldBe(TargetResource.Replicas);

        // The interval's p95 is 4 + 0.95 × 4 = 7.8 ms; the cumulative buckets would say 7.6 ms.
        Observation wait = observed.Single(o => o.Name == "stampede_demo_stage_duration_seconds");
        wait.Kind.ShouldBe("p95");
        wait.Labels.ToString().ShouldBe("{stage=\"queue\"}");
        wait.Unit.ShouldBe("ms");
        wait.Value.ShouldBe(7.8, 1e-9);
        Observation cpu = observed.Single(o => o.Name == "process_cpu_seconds_total");
        (cpu.Value, cpu.Capacity).ShouldBe((1d, 4d));
        observed.Single(o => o.Name == "process_resident_memory_bytes").Capacity.ShouldBe(8e9);
    }

    [Fact]
    public void Recognize_HistogramWithNoObservationsInTheInterval_GivesNoQuantile()
    {
        string scrape = Expositions.Demo(queue: 0, capacity: 64, busy: 0, ready: 4, current: 4, [5, 5, 5, 5, 5]);
        SeriesRecognizer recognizer = Recognizer();

        recognizer.Recognize(Expositions.Parse(scrape), 1);
        IReadOnlyList<Observation> observed = recognizer.Recognize(Expositions.Parse(scrape), 2);

        observed.ShouldNotContain(o => o.Name == "stampede_demo_stage_duration_seconds");
    }

    [Fact]
    public void Recognize_CounterFalls_RateRestartsFromTheNewValueWithOneWarning()
    {
        // Arrange: 50 → 52 → (restart) 0.5 → 1.5 → (restart again) 0.25, one second apart.
        double[] values = [50, 52, 0.5, 1.5, 0.25];
        SeriesRecognizer recognizer = Recognizer();
        var rates = new List<double>();

        // Act
        for (int i = 0; i < values.Length; i++)
        {
            string text = $"# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {values[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}\n";
            rates.AddRange(recognizer.Recognize(Expositions.Parse(text), i).Where(o => o.Name == "process_cpu_seconds_total").Select(o => o.Value));
        }

        // Assert
        rates.ShouldBe([2, 0.5, 1, 0.25]);
        _warnings.ShouldHaveSingleItem().ShouldContain("fell from 52 to 0.5");
    }

    [Fact]
    public void Recognize_NaNAndInfiniteValues_SkippedWithOneWarningEach()
    {
        // Arrange: a gauge that is NaN, a gauge that is +Inf, and a counter that is NaN once, over three scrapes.
        const string Scrape = "# TYPE DCGM_FI_DEV_GPU_UTIL gauge\nDCGM_FI_DEV_GPU_UTIL{{gpu=\"0\"}} NaN\nDCGM_FI_DEV_GPU_UTIL{{gpu=\"1\"}} 40\n"
            + "# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting +Inf\n"
            + "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {0}\n";
        string[] cpu = ["10", "NaN", "12", "13"];
        SeriesRecognizer recognizer = Recognizer();
        var observed = new List<IReadOnlyList<Observation>>();

        // Act
        for (int i = 0; i < cpu.Length; i++)
        {
            observed.Add(recognizer.Recognize(Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, Scrape, cpu[i])), i));
        }

        // Assert: the finite GPU stays; the rate needs two numbers in a row (12 → 13).
        observed.ShouldAllBe(o => o.Count(x => x.Name == "DCGM_FI_DEV_GPU_UTIL") == 1 && o.Single(x => x.Name == "DCGM_FI_DEV_GPU_UTIL").Labels.Get("gpu") == "1");
        observed.ShouldAllBe(o => !o.Any(x => x.Name == "vllm:num_requests_waiting"));
        observed.Select(o => o.Where(x => x.Name == "process_cpu_seconds_total").Select(x => x.Value).ToArray()).ShouldBe([[], [], [], [1d]]);
        _warnings.Count.ShouldBe(3);
        _warnings.ShouldContain(w => w.Contains("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"} is NaN", StringComparison.Ordinal));
        _warnings.ShouldContain(w => w.Contains("vllm:num_requests_waiting is Infinity", StringComparison.Ordinal));
        _warnings.ShouldContain(w => w.Contains("process_cpu_seconds_total is NaN", StringComparison.Ordinal));
    }

    [Fact]
    public void Recognize_OpenMetricsCounterFamilies_RateFromTheTotalSampleAndCreatedIgnored()
    {
        // Arrange: OpenMetrics names the family without _total and adds a _created sample of a much larger value.
        const string Scrape = "# TYPE process_cpu_seconds counter\nprocess_cpu_seconds_total {0}\nprocess_cpu_seconds_created 1733000000\n"
            + "# TYPE node_network_receive_bytes counter\n"
            + "node_network_receive_bytes_total{{device=\"eth0\"}} {1}\nnode_network_receive_bytes_created{{device=\"eth0\"}} 1733000000\n"
            + "node_network_receive_bytes_total{{device=\"lo\"}} {1}\nnode_network_receive_bytes_created{{device=\"lo\"}} 1733000000\n"
            + "# EOF\n";
        SeriesRecognizer recognizer = Recognizer();
        Exposition first = Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, Scrape, 10, 1000));
        Exposition second = Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, Scrape, 12, 5000));
        first.IsOpenMetrics.ShouldBeTrue();
        first.Find("process_cpu_seconds").ShouldNotBeNull().Type.ShouldBe(MetricType.Counter);

        // Act
        recognizer.Recognize(first, 1);
        IReadOnlyList<Observation> observed = recognizer.Recognize(second, 3);

        // Assert
        observed.Single(o => o.Name == "process_cpu_seconds_total").Value.ShouldBe(1);
        observed.Single(o => o.Name == "node_network_receive_bytes_per_second").Value.ShouldBe(2000);
        _warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Recognize_OpenMetricsFixture_WatchedCounterIgnoresCreatedSamples()
    {
        SeriesMapping.TryParse("concurrency=http_requests_total{method=\"GET\"}", out SeriesMapping? mapping, out _).ShouldBeTrue();
        string first = Expositions.Fixture("openmetrics.txt");
        string second = Expositions.Advance(first, ("http_requests_total{method=\"GET\",code=\"200\"}", 40), ("http_requests_total{method=\"POST\",code=\"500\"}", 4));
        SeriesRecognizer recognizer = Recognizer(null, mapping!);

        recognizer.Recognize(Expositions.Parse(first), 1);
        IReadOnlyList<Observation> observed = recognizer.Recognize(Expositions.Parse(second), 3);

        Observation requests = observed.ShouldHaveSingleItem();
        (requests.Name, requests.Kind, requests.Value, requests.Unit).ShouldBe(("http_requests_total", "rate", 20d, "1/s"));
        requests.Labels.Get("code").ShouldBe("200");
        recognizer.MatchedMappings.ShouldContain(mapping!);
    }

    private SeriesRecognizer Recognizer(ScriptedSource? source = null, params SeriesMapping[] mappings) =>
        new(source ?? new ScriptedSource(), mappings, _hosts, _warnings.Add);
}
