using System.Globalization;
using Stampede.Monitoring.Prometheus;

namespace Stampede.Monitoring.Target;

/// <summary>The built-in recognition of the series people have (the table in docs/bottleneck.md).</summary>
internal sealed partial class SeriesRecognizer
{
    private const double MiB = 1024 * 1024;

    private static readonly string[] IdleCpuModes = ["idle", "iowait", "steal"];

    /// <summary>node_exporter: CPU busy (cores, of its CPUs), memory used (of MemTotal), network bytes/s (of the link speed), the busiest disk.</summary>
    private void NodeExporter(Exposition e)
    {
        int? cpus = null;
        if (Counter(e, "node_cpu_seconds_total") is { } cpu)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            double busy = 0;
            bool complete = true;
            foreach (MetricSample s in cpu.Samples)
            {
                if (s.Name != "node_cpu_seconds_total" || s.Labels.Get("cpu") is not { } id || s.Labels.Get("mode") is not { } mode)
                {
                    continue;
                }

                seen.Add(id);
                double? rate = Rate(s);
                if (rate is null)
                {
                    complete = false;
                }
                else if (!IdleCpuModes.Contains(mode, StringComparer.Ordinal))
                {
                    busy += rate.Value;
                }
            }

            cpus = seen.Count;
            if (complete && seen.Count > 0)
            {
                Emit(new Observation("node_cpu_busy_cores", LabelSet.Empty, "derived", TargetResource.Cpu, "cores", "CPU busy on the host (all modes but idle, iowait, steal)",
                    Math.Min(busy, seen.Count), seen.Count, string.Create(CultureInfo.InvariantCulture, $"{seen.Count} CPUs (node_cpu_seconds_total)")));
            }
        }

        double? total = Gauge(e, "node_memory_MemTotal_bytes");
        double? available = Gauge(e, "node_memory_MemAvailable_bytes");
        if (total is { } t && available is { } a)
        {
            Emit(new Observation("node_memory_used_bytes", LabelSet.Empty, "derived", TargetResource.Memory, "bytes", "memory used on the host (MemTotal − MemAvailable)", t - a, t, "node_memory_MemTotal_bytes"));
        }

        if (cpus is not null || total is not null)
        {
            _hosts.FromNodeExporter(_source.IsLocal ? "localhost" : _source.HostKey, cpus, total);
        }

        double speed = 0;
        if (e.Find("node_network_speed_bytes") is { } speeds)
        {
            foreach (MetricSample s in speeds.Samples)
            {
                if (s.Labels.Get("device") is { } d && d != "lo" && double.IsFinite(s.Value) && s.Value > 0)
                {
                    speed += s.Value;
                }
            }
        }

        foreach ((string family, string name, string what) in new[]
        {
            ("node_network_receive_bytes_total", "node_network_receive_bytes_per_second", "bytes received by the host's network devices (lo excluded)"),
            ("node_network_transmit_bytes_total", "node_network_transmit_bytes_per_second", "bytes sent by the host's network devices (lo excluded)"),
        })
        {
            if (Counter(e, family) is not { } f)
            {
                continue;
            }

            double sum = 0;
            int devices = 0;
            bool complete = true;
            foreach (MetricSample s in f.Samples)
            {
                if (s.Name != family || s.Labels.Get("device") is not { } device || device == "lo")
                {
                    continue;
                }

                devices++;
                if (Rate(s) is { } rate)
                {
                    sum += rate;
                }
                else
                {
                    complete = false;
                }
            }

            if (devices > 0 && complete)
            {
                Emit(new Observation(name, LabelSet.Empty, "derived", TargetResource.Network, "bytes/s", what, sum, speed > 0 ? speed : null, speed > 0 ? "node_network_speed_bytes" : null));
            }
        }

        if (Counter(e, "node_disk_io_time_seconds_total") is { } disk)
        {
            double busiest = -1;
            foreach (MetricSample s in disk.Samples)
            {
                string? device = s.Labels.Get("device");
                if (s.Name != "node_disk_io_time_seconds_total" || device is null || device.StartsWith("loop", StringComparison.Ordinal) || device.StartsWith("ram", StringComparison.Ordinal))
                {
                    continue;
                }

                if (Rate(s) is { } rate)
                {
                    busiest = Math.Max(busiest, rate);
                }
            }

            if (busiest >= 0)
            {
                Emit(new Observation("node_disk_busy_percent", LabelSet.Empty, "derived", TargetResource.Disk, "percent", "time the busiest disk was busy", Math.Min(100, busiest * 100), 100, "100%"));
            }
        }
    }

    /// <summary>The standard process metrics (client libraries, the demo server, --watch-pid): CPU in cores of the host, resident memory of its memory.</summary>
    private void Process(Exposition e)
    {
        if (Counter(e, "process_cpu_seconds_total") is { } cpu)
        {
            foreach (MetricSample s in cpu.Samples)
            {
                if (s.Name == "process_cpu_seconds_total" && Rate(s) is { } rate)
                {
                    var cores = HostCores;
                    Emit(new Observation("process_cpu_seconds_total", s.Labels, "rate", TargetResource.Cpu, "cores", "CPU used by the server process", Math.Max(0, rate), cores?.Cores, cores?.Source));
                }
            }
        }

        if (e.Find("process_resident_memory_bytes") is { } rss)
        {
            foreach (MetricSample s in rss.Samples)
            {
                if (Finite(s) is { } value)
                {
                    var memory = HostMemory;
                    Emit(new Observation("process_resident_memory_bytes", s.Labels, "gauge", TargetResource.Memory, "bytes", "resident memory of the server process", value, memory?.Bytes, memory?.Source));
                }
            }
        }
    }

    /// <summary>NVIDIA's DCGM exporter: GPU busy (%), framebuffer used (of used + free), power (evidence).</summary>
    private void Dcgm(Exposition e)
    {
        GaugeSeries(e, "DCGM_FI_DEV_GPU_UTIL", TargetResource.Gpu, "percent", "GPU utilisation (DCGM)", ["gpu"], 1, 100, "100%");
        GaugeSeries(e, "DCGM_FI_PROF_GR_ENGINE_ACTIVE", TargetResource.Gpu, "percent", "GPU graphics engine active (DCGM profiling)", ["gpu"], 100, 100, "100%");
        GaugeSeries(e, "DCGM_FI_DEV_POWER_USAGE", null, "watts", "GPU power draw (DCGM)", ["gpu"], 1, null, null);
        if (e.Find("DCGM_FI_DEV_FB_USED") is { } used)
        {
            var free = new Dictionary<LabelSet, double>();
            if (e.Find("DCGM_FI_DEV_FB_FREE") is { } frees)
            {
                foreach (MetricSample s in frees.Samples)
                {
                    if (double.IsFinite(s.Value))
                    {
                        free[Keep(s.Labels, "gpu")] = s.Value;
                    }
                }
            }

            foreach (MetricSample s in used.Samples)
            {
                if (Finite(s) is { } value)
                {
                    LabelSet labels = Keep(s.Labels, "gpu");
                    double? capacity = free.TryGetValue(labels, out double f) ? (value + f) * MiB : null;
                    Emit(new Observation("DCGM_FI_DEV_FB_USED", labels, "gauge", TargetResource.GpuMemory, "bytes", "GPU framebuffer memory used (DCGM)", value * MiB, capacity, capacity is null ? null : "DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE"));
                }
            }
        }
    }

    /// <summary>NVIDIA Triton: GPU utilisation and memory, requests pending in its queue, and queue time per request.</summary>
    private void Triton(Exposition e)
    {
        GaugeSeries(e, "nv_gpu_utilization", TargetResource.Gpu, "percent", "GPU utilisation (Triton)", ["gpu_uuid"], 100, 100, "100%");
        if (e.Find("nv_gpu_memory_used_bytes") is { } used)
        {
            var totals = new Dictionary<LabelSet, double>();
            if (e.Find("nv_gpu_memory_total_bytes") is { } total)
            {
                foreach (MetricSample s in total.Samples)
                {
                    if (double.IsFinite(s.Value))
                    {
                        totals[Keep(s.Labels, "gpu_uuid")] = s.Value;
                    }
                }
            }

            foreach (MetricSample s in used.Samples)
            {
                if (Finite(s) is { } value)
                {
                    LabelSet labels = Keep(s.Labels, "gpu_uuid");
                    double? capacity = totals.TryGetValue(labels, out double t) ? t : null;
                    Emit(new Observation("nv_gpu_memory_used_bytes", labels, "gauge", TargetResource.GpuMemory, "bytes", "GPU memory used (Triton)", value, capacity, capacity is null ? null : "nv_gpu_memory_total_bytes"));
                }
            }
        }

        GaugeSeries(e, "nv_inference_pending_request_count", TargetResource.Queue, "requests", "requests waiting in Triton's queue", ["model", "version"], 1, null, null);
        if (Counter(e, "nv_inference_queue_duration_us") is { } queue)
        {
            var counts = new Dictionary<LabelSet, double>();
            MetricFamily? requests = Counter(e, "nv_inference_request_success") ?? Counter(e, "nv_inference_count");
            if (requests is not null)
            {
                foreach (MetricSample s in requests.Samples)
                {
                    if (s.Name.EndsWith("_created", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (Delta(s.Name, s.Labels, s.Value) is { } d)
                    {
                        counts[Keep(s.Labels, "model", "version")] = d;
                    }
                }
            }

            foreach (MetricSample s in queue.Samples)
            {
                if (s.Name.EndsWith("_created", StringComparison.Ordinal))
                {
                    continue;
                }

                LabelSet labels = Keep(s.Labels, "model", "version");
                if (Delta(s.Name, s.Labels, s.Value) is { } waited && counts.TryGetValue(labels, out double n) && n > 0)
                {
                    Emit(new Observation("nv_inference_queue_ms_per_request", labels, "derived", TargetResource.Queue, "ms", "mean time a request waited in Triton's queue", waited / n / 1000));
                }
            }
        }
    }

    /// <summary>vLLM: requests running (concurrency) and waiting (queue), and its KV cache use.</summary>
    private void Vllm(Exposition e)
    {
        // vLLM V1 labels each data-parallel engine (engine="0", "1", …): kept, or the engines' values would overwrite each other.
        GaugeSeries(e, "vllm:num_requests_running", TargetResource.Concurrency, "requests", "requests running in vLLM's batch", ["model_name", "engine"], 1, null, null);
        GaugeSeries(e, "vllm:num_requests_waiting", TargetResource.Queue, "requests", "requests waiting in vLLM's queue", ["model_name", "engine"], 1, null, null);
        GaugeSeries(e, "vllm:gpu_cache_usage_perc", TargetResource.GpuMemory, "percent", "vLLM's KV cache used", ["model_name", "engine"], 100, 100, "100%");
        GaugeSeries(e, "vllm:kv_cache_usage_perc", TargetResource.GpuMemory, "percent", "vLLM's KV cache used", ["model_name", "engine"], 100, 100, "100%");
    }

    /// <summary>kube-state-metrics: a deployment's available replicas.</summary>
    private void KubeStateMetrics(Exposition e) =>
        GaugeSeries(e, "kube_deployment_status_replicas_available", TargetResource.Replicas, "replicas", "available replicas of the deployment", ["namespace", "deployment"], 1, null, null);

    /// <summary>The demo server (docs/demo-server.md): its queue (of its capacity), busy workers (of the ready ones), workers, and queue wait p95.</summary>
    private void DemoServer(Exposition e)
    {
        double? capacity = Gauge(e, "stampede_demo_queue_capacity");
        if (Gauge(e, "stampede_demo_queue_length") is { } queue)
        {
            Emit(new Observation("stampede_demo_queue_length", LabelSet.Empty, "gauge", TargetResource.Queue, "requests", "requests waiting for a free inference worker", queue, capacity, capacity is null ? null : "stampede_demo_queue_capacity", CapacityVaries: true));
        }

        double? ready = Gauge(e, "stampede_demo_workers_ready");
        if (Gauge(e, "stampede_demo_workers_busy") is { } busy)
        {
            Emit(new Observation("stampede_demo_workers_busy", LabelSet.Empty, "gauge", TargetResource.Concurrency, "workers", "inference workers busy", busy, ready, ready is null ? null : "stampede_demo_workers_ready", CapacityVaries: true));
        }

        if (Gauge(e, "stampede_demo_workers_current") is { } workers)
        {
            Emit(new Observation("stampede_demo_workers_current", LabelSet.Empty, "gauge", TargetResource.Replicas, "workers", "inference workers, cold-starting ones included", workers));
        }

        if (e.Find("stampede_demo_stage_duration_seconds") is { } stages)
        {
            foreach ((LabelSet labels, double seconds) in HistogramQuantiles(stages, 0.95, l => l.Get("stage") == "queue"))
            {
                Emit(new Observation("stampede_demo_stage_duration_seconds", labels, "p95", TargetResource.Queue, "ms", "time requests waited for a worker (p95 of the interval)", seconds * 1000));
            }
        }
    }

    /// <summary>The user's mappings (<c>--watch RESOURCE=SERIES</c>): a counter as its rate, a gauge as read, a histogram as its p95.</summary>
    private void Mapped(Exposition e)
    {
        foreach (SeriesMapping mapping in _mappings)
        {
            foreach (MetricFamily family in e.Families)
            {
                if (family.Type is MetricType.Histogram && string.Equals(family.Name, mapping.Metric, StringComparison.Ordinal))
                {
                    bool seconds = family.Name.EndsWith("_seconds", StringComparison.Ordinal);

                    // Matched once a bucket carries the labels: the first scrape (a base) and an interval without observations give no quantile.
                    string bucket = family.Name + "_bucket";
                    if (family.Samples.Any(s => string.Equals(s.Name, bucket, StringComparison.Ordinal) && Matches(s.Labels, mapping)))
                    {
                        MatchedMappings.Add(mapping);
                    }

                    foreach ((LabelSet labels, double value) in HistogramQuantiles(family, 0.95, l => Matches(l, mapping)))
                    {
                        MatchedMappings.Add(mapping);
                        Emit(new Observation(mapping.Metric, labels, "p95", mapping.Resource, seconds ? "ms" : "value", $"p95 of {mapping.Metric} (--watch)", seconds ? value * 1000 : value));
                    }

                    continue;
                }

                foreach (MetricSample s in family.Samples)
                {
                    if (!string.Equals(s.Name, mapping.Metric, StringComparison.Ordinal) || !Matches(s.Labels, mapping))
                    {
                        continue;
                    }

                    MatchedMappings.Add(mapping);
                    // A histogram's or summary's _count and _sum are counters too.
                    bool counter = family.Type is MetricType.Counter || s.Name.EndsWith("_total", StringComparison.Ordinal)
                        || (family.Type is MetricType.Histogram or MetricType.Summary && (s.Name.EndsWith("_count", StringComparison.Ordinal) || s.Name.EndsWith("_sum", StringComparison.Ordinal)));
                    double? value = counter ? Rate(s) : Finite(s);
                    if (value is not { } v)
                    {
                        continue;
                    }

                    (string unit, double? capacity, string? capacitySource) = MappedUnit(mapping, s.Name, counter);
                    Emit(new Observation(mapping.Metric, s.Labels, counter ? "rate" : "gauge", mapping.Resource, unit, $"{s.Name}{(counter ? " per second" : string.Empty)} (--watch)", v, capacity, capacitySource));
                }
            }
        }
    }

    private (string Unit, double? Capacity, string? Source) MappedUnit(SeriesMapping mapping, string name, bool counter)
    {
        if (mapping.Resource is TargetResource.Cpu && (name.Contains("seconds", StringComparison.Ordinal) || !counter))
        {
            var cores = HostCores;
            return ("cores", cores?.Cores, cores?.Source);
        }

        if (mapping.Resource is TargetResource.Memory && name.Contains("bytes", StringComparison.Ordinal))
        {
            var memory = HostMemory;
            return ("bytes", memory?.Bytes, memory?.Source);
        }

        if (mapping.Resource is TargetResource.Queue or TargetResource.Concurrency && !counter)
        {
            return ("requests", null, null);
        }

        if (mapping.Resource is TargetResource.Replicas && !counter)
        {
            return ("replicas", null, null);
        }

        return counter ? (name.Contains("bytes", StringComparison.Ordinal) ? "bytes/s" : "1/s", null, null)
            : (name.EndsWith("_bytes", StringComparison.Ordinal) ? "bytes" : "value", null, null);
    }

    private static bool Matches(LabelSet labels, SeriesMapping mapping)
    {
        foreach ((string key, string value) in mapping.Labels)
        {
            if (!string.Equals(labels.Get(key), value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every sample of a gauge family as a series, keeping <paramref name="keep"/> labels, scaled by <paramref name="scale"/>.</summary>
    private void GaugeSeries(Exposition e, string family, TargetResource? resource, string unit, string description, string[] keep, double scale, double? capacity, string? capacitySource)
    {
        if (e.Find(family) is not { } f)
        {
            return;
        }

        foreach (MetricSample s in f.Samples)
        {
            if (string.Equals(s.Name, family, StringComparison.Ordinal) && Finite(s) is { } value)
            {
                Emit(new Observation(family, Keep(s.Labels, keep), "gauge", resource, unit, description, value * scale, capacity, capacitySource));
            }
        }
    }

    /// <summary>A counter family by its sample name: text 0.0.4 names the family <c>x_total</c>, OpenMetrics <c>x</c>.</summary>
    private static MetricFamily? Counter(Exposition e, string sampleName) =>
        e.Find(sampleName) ?? (sampleName.EndsWith("_total", StringComparison.Ordinal) ? e.Find(sampleName[..^6]) : null);

    /// <summary>The first finite sample of an unlabelled gauge family.</summary>
    private static double? Gauge(Exposition e, string family)
    {
        if (e.Find(family) is { } f)
        {
            foreach (MetricSample s in f.Samples)
            {
                if (double.IsFinite(s.Value))
                {
                    return s.Value;
                }
            }
        }

        return null;
    }
}
