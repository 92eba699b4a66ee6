using Stampede.Monitoring.Prometheus;

namespace Stampede.Core.Tests.Monitoring.Prometheus;

public sealed class ExpositionParserTests
{
    [Fact]
    public void Parse_NodeExporterText_ReadsCountersGaugesAndSummary()
    {
        string text = PrometheusFixtures.Read("node_exporter.prom");

        Exposition exposition = ExpositionParser.Parse(text);

        exposition.Warnings.ShouldBeEmpty();
        exposition.IsOpenMetrics.ShouldBeFalse();
        exposition.Families.Select(f => f.Name).ShouldBe(
        [
            "go_gc_duration_seconds", "node_cpu_seconds_total", "node_disk_io_time_seconds_total", "node_load1",
            "node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes", "node_network_receive_bytes_total",
            "node_scrape_collector_success",
        ]);
        exposition.SampleCount.ShouldBe(7 + 16 + 2 + 1 + 1 + 1 + 2 + 4);

        MetricFamily cpu = exposition.Find("node_cpu_seconds_total").ShouldNotBeNull();
        cpu.Type.ShouldBe(MetricType.Counter);
        cpu.Help.ShouldBe("Seconds the CPUs spent in each mode.");
        cpu.Samples.Count.ShouldBe(16);
        cpu.Samples.Select(s => s.Labels.Get("cpu")).Distinct().ShouldBe(["0", "1"]);
        MetricSample user1 = cpu.Samples.Single(s => s.Labels.Get("cpu") == "1" && s.Labels.Get("mode") == "user");
        user1.Value.ShouldBe(9712.33);
        user1.Name.ShouldBe("node_cpu_seconds_total");

        exposition.Find("node_memory_MemTotal_bytes").ShouldNotBeNull().Type.ShouldBe(MetricType.Gauge);
        exposition.Find("node_memory_MemTotal_bytes")!.Samples.ShouldHaveSingleItem().Value.ShouldBe(67_332_145_152d);
        exposition.Find("node_memory_MemAvailable_bytes")!.Samples.ShouldHaveSingleItem().Value.ShouldBe(54_212_345_856d);
        exposition.Find("node_network_receive_bytes_total")!.Samples
            .Single(s => s.Labels.Get("device") == "eth0").Value.ShouldBe(9_876_543_210d);
        exposition.Find("node_disk_io_time_seconds_total")!.Samples
            .Single(s => s.Labels.Get("device") == "nvme0n1").Value.ShouldBe(1834.512);
    }

    [Fact]
    public void Parse_NodeExporterSummary_GroupsQuantilesSumAndCount()
    {
        Exposition exposition = ExpositionParser.Parse(PrometheusFixtures.Read("node_exporter.prom"));

        MetricFamily gc = exposition.Find("go_gc_duration_seconds").ShouldNotBeNull();
        gc.Type.ShouldBe(MetricType.Summary);
        gc.Samples.Select(s => s.Name).ShouldBe(
        [
            "go_gc_duration_seconds", "go_gc_duration_seconds", "go_gc_duration_seconds", "go_gc_duration_seconds",
            "go_gc_duration_seconds", "go_gc_duration_seconds_sum", "go_gc_duration_seconds_count",
        ]);
        gc.Samples.Single(s => s.Labels.Get("quantile") == "1").Value.ShouldBe(0.000512946);
        gc.Samples[^1].Value.ShouldBe(412);
    }

    [Fact]
    public void Parse_DcgmExporter_ReadsGpuGaugesWithTheirLabels()
    {
        Exposition exposition = ExpositionParser.Parse(PrometheusFixtures.Read("dcgm_exporter.prom"));

        exposition.Warnings.ShouldBeEmpty();
        exposition.Families.Select(f => f.Name).ShouldBe(
            ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_POWER_USAGE"]);
        exposition.Families.ShouldAllBe(f => f.Type == MetricType.Gauge && f.Samples.Count == 2);

        MetricSample util0 = exposition.Find("DCGM_FI_DEV_GPU_UTIL")!.Samples[0];
        util0.Value.ShouldBe(87);
        util0.Labels.Get("gpu").ShouldBe("0");
        util0.Labels.Get("UUID").ShouldBe("GPU-5a1c2f3e-8b4d-4e6f-9a0b-1c2d3e4f5a6b");
        util0.Labels.Get("device").ShouldBe("nvidia0");
        util0.Labels.Get("modelName").ShouldBe("NVIDIA H100 80GB HBM3");
        util0.Labels.Get("Hostname").ShouldBe("gpu-node-01");
        util0.Labels.Pairs.Select(p => p.Key).ShouldBe(["DCGM_FI_DRIVER_VERSION", "Hostname", "UUID", "device", "gpu", "modelName"]);

        exposition.Find("DCGM_FI_DEV_POWER_USAGE")!.Samples[0].Value.ShouldBe(612.347);
        exposition.Find("DCGM_FI_DEV_FB_USED")!.Samples[1].Value.ShouldBe(530);
        exposition.Find("DCGM_FI_DEV_FB_FREE")!.Help.ShouldBe("Framebuffer memory free (in MiB).");
    }

    [Fact]
    public void Parse_Triton_CountersWithoutTotalSuffixAreTheirOwnFamilies()
    {
        Exposition exposition = ExpositionParser.Parse(PrometheusFixtures.Read("triton.prom"));

        exposition.Warnings.ShouldBeEmpty();
        exposition.Families.Count.ShouldBe(8);
        MetricFamily count = exposition.Find("nv_inference_count").ShouldNotBeNull();
        count.Type.ShouldBe(MetricType.Counter);
        count.Samples.Single(s => s.Labels.Get("model") == "resnet50" && s.Labels.Get("version") == "1").Value.ShouldBe(36016);
        exposition.Find("nv_inference_queue_duration_us")!.Type.ShouldBe(MetricType.Counter);
        exposition.Find("nv_inference_queue_duration_us")!.Samples
            .Single(s => s.Labels.Get("model") == "bert_base").Value.ShouldBe(402117);
        exposition.Find("nv_inference_request_success")!.Samples.Sum(s => s.Value).ShouldBe(4502 + 1288);
        exposition.Find("nv_inference_pending_request_count")!.Type.ShouldBe(MetricType.Gauge);
        exposition.Find("nv_gpu_utilization")!.Samples.ShouldHaveSingleItem().Value.ShouldBe(0.42);
        exposition.Find("nv_gpu_memory_used_bytes")!.Samples[0].Value.ShouldBe(21_474_836_480d);
        exposition.Find("nv_gpu_memory_total_bytes")!.Samples[0].Value.ShouldBe(85_899_345_920d);
        exposition.Find("nv_gpu_utilization")!.Help.ShouldBe("GPU utilization rate [0.0 - 1.0)");
    }

    [Fact]
    public void Parse_Vllm_GaugesWithColonNamesAndAHistogram()
    {
        Exposition exposition = ExpositionParser.Parse(PrometheusFixtures.Read("vllm.prom"));

        exposition.Warnings.ShouldBeEmpty();
        exposition.Find("vllm:num_requests_running")!.Samples.ShouldHaveSingleItem().Value.ShouldBe(4);
        exposition.Find("vllm:num_requests_waiting")!.Samples.ShouldHaveSingleItem().Value.ShouldBe(2);
        exposition.Find("vllm:gpu_cache_usage_perc")!.Samples[0].Labels.Get("model_name").ShouldBe("meta-llama/Llama-3.1-8B-Instruct");
        exposition.Find("vllm:kv_cache_usage_perc")!.Samples[0].Labels.Get("engine").ShouldBe("0");
        exposition.Find("vllm:prompt_tokens_total")!.Type.ShouldBe(MetricType.Counter);

        MetricFamily latency = exposition.Find("vllm:e2e_request_latency_seconds").ShouldNotBeNull();
        latency.Type.ShouldBe(MetricType.Histogram);
        latency.Samples.Count.ShouldBe(18);
        latency.Samples.Count(s => s.Name == "vllm:e2e_request_latency_seconds_bucket").ShouldBe(16);
        latency.Samples.Single(s => s.Name == "vllm:e2e_request_latency_seconds_count").Value.ShouldBe(500);
        latency.Samples.Single(s => s.Name == "vllm:e2e_request_latency_seconds_sum").Value.ShouldBe(1063.25);
        latency.Samples.Single(s => s.Labels.Get("le") == "+Inf").Value.ShouldBe(500);

        // prometheus_client's 0.0.4 output declares _created as a gauge family of its own.
        exposition.Find("vllm:e2e_request_latency_seconds_created")!.Type.ShouldBe(MetricType.Gauge);
        exposition.Find("vllm:prompt_tokens_created")!.Type.ShouldBe(MetricType.Gauge);
    }

    [Fact]
    public void Parse_VllmHistogramBuckets_FeedHistogramQuantile()
    {
        Exposition exposition = ExpositionParser.Parse(PrometheusFixtures.Read("vllm.prom"));
        (double, double)[] buckets = exposition.Find("vllm:e2e_request_latency_seconds")!.Samples
            .Where(s => s.Labels.Get("le") is not null)
            .Select(s => (s.Labels.Get("le") == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels.Get("le")!, System.Globalization.CultureInfo.InvariantCulture), s.Value))
            .ToArray();

        double p50 = HistogramQuantile.Estimate(buckets, 0.5);

        // Rank 250 falls in (1.5, 2.0], which holds 300 - 190 = 110 of them, 60 above its start.
        p50.ShouldBe(1.5 + (0.5 * 60 / 110), 1e-12);
    }

    [Fact]
    public void Parse_OpenMetrics_CounterFamilyHoldsTotalAndCreated()
    {
        Exposition exposition = ExpositionParser.Parse(PrometheusFixtures.Read("openmetrics.txt"));

        exposition.IsOpenMetrics.ShouldBeTrue();
        exposition.Warnings.ShouldBeEmpty();
        MetricFamily requests = exposition.Find("http_requests").ShouldNotBeNull();
        requests.Type.ShouldBe(MetricType.Counter);
        requests.Help.ShouldBe("Requests the gateway served.");
        requests.Samples.Select(s => s.Name).ShouldBe(
            ["http_requests_total", "http_requests_created", "http_requests_total", "http_requests_created"]);
        requests.Samples[0].Value.ShouldBe(1027);
        requests.Samples[1].Value.ShouldBe(1_733_000_000d);
        exposition.Find("http_requests_total").ShouldBeNull();
    }

    [Fact]
    public void Parse_OpenMetricsHistogramWithExemplars_SkipsExemplarsKeepsValues()
    {
        Exposition exposition = ExpositionParser.Parse(PrometheusFixtures.Read("openmetrics.txt"));

        MetricFamily latency = exposition.Find("request_latency_seconds").ShouldNotBeNull();
        latency.Type.ShouldBe(MetricType.Histogram);
        latency.Unit.ShouldBe("seconds");
        latency.Samples.Select(s => s.Value).ShouldBe([24054, 33444, 100392, 144320, 53423.5, 144320, 1_733_000_000]);
        latency.Samples[1].Labels.Pairs.ShouldHaveSingleItem().Key.ShouldBe("le");
        latency.Samples[^1].Name.ShouldBe("request_latency_seconds_created");
    }

    [Fact]
    public void Parse_OpenMetricsOtherTypes_GroupedByTheirSampleNames()
    {
        Exposition exposition = ExpositionParser.Parse(PrometheusFixtures.Read("openmetrics.txt"));

        exposition.Families.Select(f => (f.Name, f.Type)).ShouldBe(
        [
            ("http_requests", MetricType.Counter),
            ("request_latency_seconds", MetricType.Histogram),
            ("build", MetricType.Info),
            ("queue_depth", MetricType.Gauge),
            ("feature_flags", MetricType.StateSet),
            ("rpc_duration_seconds", MetricType.Summary),
            ("inflight_bytes", MetricType.GaugeHistogram),
            ("legacy_thing", MetricType.Untyped),
        ]);
        exposition.Find("build")!.Samples.ShouldHaveSingleItem().Labels.Get("version").ShouldBe("1.4.2");
        exposition.Find("feature_flags")!.Samples.Count.ShouldBe(2);
        exposition.Find("rpc_duration_seconds")!.Samples.Count.ShouldBe(5);
        exposition.Find("inflight_bytes")!.Samples.Select(s => s.Name).ShouldBe(
            ["inflight_bytes_bucket", "inflight_bytes_bucket", "inflight_bytes_gsum", "inflight_bytes_gcount"]);
        exposition.SampleCount.ShouldBe(4 + 7 + 1 + 1 + 2 + 5 + 4 + 1);
    }

    [Fact]
    public void Parse_LabelValueEscapes_AreUnescaped()
    {
        const string Text = "path_bytes{path=\"C:\\\\data\\\\x\",quote=\"say \\\"hi\\\"\",multi=\"a\\nb\",odd=\"\\t\"} 1\n";

        MetricSample sample = ExpositionParser.Parse(Text).Families.ShouldHaveSingleItem().Samples.ShouldHaveSingleItem();

        sample.Labels.Get("path").ShouldBe("C:\\data\\x");
        sample.Labels.Get("quote").ShouldBe("say \"hi\"");
        sample.Labels.Get("multi").ShouldBe("a\nb");
        sample.Labels.Get("odd").ShouldBe("\\t");
    }

    [Fact]
    public void Parse_HelpEscapes_AreUnescaped()
    {
        const string Text = "# HELP disk_bytes Bytes on C:\\\\ and\\nD:\\\\.\n# TYPE disk_bytes gauge\ndisk_bytes 1\n";

        ExpositionParser.Parse(Text).Find("disk_bytes")!.Help.ShouldBe("Bytes on C:\\ and\nD:\\.");
    }

    [Theory]
    [InlineData("NaN", double.NaN)]
    [InlineData("nan", double.NaN)]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("Inf", double.PositiveInfinity)]
    [InlineData("-Inf", double.NegativeInfinity)]
    [InlineData("1e3", 1000d)]
    [InlineData("-0.5", -0.5)]
    [InlineData("+12", 12d)]
    [InlineData(".25", 0.25)]
    [InlineData("1.5E-3", 0.0015)]
    public void Parse_SampleValue_ParsedAsPrometheusWritesIt(string written, double expected)
    {
        Exposition exposition = ExpositionParser.Parse($"# TYPE x gauge\nx{{a=\"b\"}} {written}\n");

        exposition.Warnings.ShouldBeEmpty();
        exposition.Find("x")!.Samples.ShouldHaveSingleItem().Value.ShouldBe(expected);
    }

    [Fact]
    public void Parse_TimestampsTabsAndCrLf_Accepted()
    {
        const string Text = "# TYPE a gauge\r\na 1 1733004800000\r\na{x=\"1\"}\t2\t1733004800000\r\n  a { x = \"2\" , } 3\r\n";

        Exposition exposition = ExpositionParser.Parse(Text);

        exposition.Warnings.ShouldBeEmpty();
        exposition.Find("a")!.Samples.Select(s => s.Value).ShouldBe([1, 2, 3]);
        exposition.Find("a")!.Samples[2].Labels.Get("x").ShouldBe("2");
    }

    [Fact]
    public void Parse_TrailingCommaAndEmptyBraces_Accepted()
    {
        Exposition exposition = ExpositionParser.Parse("a{} 1\nb{x=\"1\",} 2\n");

        exposition.Warnings.ShouldBeEmpty();
        exposition.Find("a")!.Samples[0].Labels.ShouldBeSameAs(LabelSet.Empty);
        exposition.Find("b")!.Samples[0].Labels.ToString().ShouldBe("{x=\"1\"}");
    }

    [Fact]
    public void Parse_SamplesWithoutType_BecomeUntypedFamiliesNamedAsTheSample()
    {
        const string Text = "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nstray_bucket{le=\"1\"} 4\n# HELP loose A gauge nobody typed.\nloose 2\nloose_sum 3\n";

        Exposition exposition = ExpositionParser.Parse(Text);

        exposition.Families.Select(f => (f.Name, f.Type)).ShouldBe(
            [("h", MetricType.Histogram), ("stray_bucket", MetricType.Untyped), ("loose", MetricType.Untyped), ("loose_sum", MetricType.Untyped)]);
        exposition.Find("loose")!.Help.ShouldBe("A gauge nobody typed.");
        exposition.Find("stray_bucket")!.Samples.ShouldHaveSingleItem().Value.ShouldBe(4);
    }

    [Fact]
    public void Parse_SampleBeforeItsType_TypeStillApplies()
    {
        Exposition exposition = ExpositionParser.Parse("late 1\n# TYPE late gauge\nlate{a=\"b\"} 2\n");

        MetricFamily late = exposition.Families.ShouldHaveSingleItem();
        late.Type.ShouldBe(MetricType.Gauge);
        late.Samples.Count.ShouldBe(2);
    }

    [Fact]
    public void Parse_DeclaredFamilyWithoutSamples_KeptWithNoSamples()
    {
        Exposition exposition = ExpositionParser.Parse("# HELP empty_total Nothing yet.\n# TYPE empty_total counter\nother 1\n");

        exposition.Find("empty_total").ShouldNotBeNull().Samples.ShouldBeEmpty();
        exposition.Families.Count.ShouldBe(2);
    }

    [Fact]
    public void Parse_RepeatedNames_ShareOneStringInstance()
    {
        Exposition exposition = ExpositionParser.Parse(PrometheusFixtures.Read("node_exporter.prom"));

        IReadOnlyList<MetricSample> cpu = exposition.Find("node_cpu_seconds_total")!.Samples;
        cpu[0].Name.ShouldBeSameAs(cpu[15].Name);
        cpu[0].Labels.Get("mode").ShouldBeSameAs(cpu[8].Labels.Get("mode"));
    }

    [Fact]
    public void Parse_EmptyOrBlankInput_NoFamiliesNoWarnings()
    {
        foreach (string text in new[] { "", "   ", "\n\n\r\n\t\n" })
        {
            Exposition exposition = ExpositionParser.Parse(text);

            exposition.Families.ShouldBeEmpty();
            exposition.Warnings.ShouldBeEmpty();
            exposition.SampleCount.ShouldBe(0);
        }
    }

    [Fact]
    public void Parse_CommentsOnly_NoFamiliesNoWarnings()
    {
        Exposition exposition = ExpositionParser.Parse("# just a comment\n# another one\n");

        exposition.Families.ShouldBeEmpty();
        exposition.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Parse_TextEndingWithEof_DetectedAsOpenMetrics()
    {
        ExpositionParser.Parse("a 1\n# EOF\n").IsOpenMetrics.ShouldBeTrue();
        ExpositionParser.Parse("a 1\n").IsOpenMetrics.ShouldBeFalse();
        ExpositionParser.Parse("a 1\n", openMetrics: true).IsOpenMetrics.ShouldBeTrue();
    }

    [Fact]
    public void Parse_ForcedTextFormat_EofIsAComment()
    {
        Exposition exposition = ExpositionParser.Parse("a 1\n# EOF\nb 2\n", openMetrics: false);

        exposition.IsOpenMetrics.ShouldBeFalse();
        exposition.Warnings.ShouldBeEmpty();
        exposition.Families.Select(f => f.Name).ShouldBe(["a", "b"]);
    }

    [Theory]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8", true)]
    [InlineData("application/openmetrics-text; version=0.0.1", true)]
    [InlineData("Application/OpenMetrics-Text", true)]
    [InlineData("text/plain; version=0.0.4; charset=utf-8", false)]
    [InlineData("text/plain;version=0.0.4", false)]
    [InlineData("text/plain", false)]
    [InlineData("text/html; charset=utf-8", null)]
    [InlineData("application/json", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void FormatFromContentType_HeaderValue_DecidesTheFormat(string? contentType, bool? expected)
    {
        ExpositionParser.FormatFromContentType(contentType).ShouldBe(expected);
    }

    [Fact]
    public void Find_AbsentFamily_ReturnsNull()
    {
        Exposition exposition = ExpositionParser.Parse("a 1\n");

        exposition.Find("a").ShouldNotBeNull();
        exposition.Find("A").ShouldBeNull();
        exposition.Find("b").ShouldBeNull();
    }
}
