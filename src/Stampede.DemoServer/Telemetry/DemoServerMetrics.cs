using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Stampede.Demo.Inference;

namespace Stampede.Demo.Telemetry;

/// <summary>
/// The demo server's Prometheus metrics. Each server owns its own (two servers in one process, as in the tests,
/// never share counts). Names and meanings are listed in docs/demo-server.md.
/// </summary>
internal sealed class DemoServerMetrics
{
    /// <summary>Every metric family this server exposes, in the order it writes them.</summary>
    public static IReadOnlyList<string> FamilyNames { get; } =
    [
        "stampede_demo_requests_total",
        "stampede_demo_request_duration_seconds",
        "stampede_demo_requests_in_flight",
        "stampede_demo_rejected_total",
        "stampede_demo_queue_length",
        "stampede_demo_queue_capacity",
        "stampede_demo_workers_busy",
        "stampede_demo_workers_current",
        "stampede_demo_workers_ready",
        "stampede_demo_model_ready",
        "stampede_demo_cold_start_seconds",
        "stampede_demo_stage_duration_seconds",
        "stampede_demo_scale_events_total",
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_start_time_seconds",
    ];

    /// <summary>The vLLM-named families the LLM simulator adds (only when it is on), after the others.</summary>
    public static IReadOnlyList<string> LlmFamilyNames { get; } =
    [
        "vllm:num_requests_running",
        "vllm:num_requests_waiting",
        "vllm:gpu_cache_usage_perc",
        "vllm:prompt_tokens_total",
        "vllm:generation_tokens_total",
    ];

    private static readonly string[] Stages = ["queue", "decode", "resize", "inference"];

    // 1 ms to ~33 s, doubling: spans a 224×224 inference (tens of ms) up to a deep overload queue.
    private static readonly double[] LatencyBounds = Histogram.ExponentialBounds(0.001, 16);

    private static readonly double ProcessStartTime = ReadProcessStartTime();

    private readonly ConcurrentDictionary<(string Endpoint, int Status), Cell> _requests = new();
    private readonly ConcurrentDictionary<string, Histogram> _requestDurations = new(StringComparer.Ordinal);
    private readonly Histogram[] _stages = [.. Stages.Select(_ => new Histogram(LatencyBounds))];
    private Func<ServingState> _readState = static () => default;
    private Func<LlmServingState>? _readLlmState;
    private long _inFlight;
    private long _rejected;
    private long _scaleUps;
    private long _scaleDowns;

    /// <summary>Sets where the gauges that mirror live state (queue, workers, readiness) are read at each scrape.</summary>
    public void ObserveState(Func<ServingState> read) => _readState = read;

    /// <summary>Turns the vLLM-named series on and sets where they are read at each scrape.</summary>
    public void ObserveLlm(Func<LlmServingState> read) => _readLlmState = read;

    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    public void RequestFinished(string endpoint, int status, double seconds)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _requests.GetOrAdd((endpoint, status), static _ => new Cell()).Value);
        _requestDurations.GetOrAdd(endpoint, static _ => new Histogram(LatencyBounds)).Observe(seconds);
    }

    public void Rejected() => Interlocked.Increment(ref _rejected);

    public void ScaledUp() => Interlocked.Increment(ref _scaleUps);

    public void ScaledDown() => Interlocked.Increment(ref _scaleDowns);

    public void RecordStages(InferenceResult result)
    {
        _stages[0].Observe(result.QueueMs / 1000);
        if (result.Succeeded)
        {
            _stages[1].Observe(result.DecodeMs / 1000);
            _stages[2].Observe(result.ResizeMs / 1000);
            _stages[3].Observe(result.InferenceMs / 1000);
        }
    }

    /// <summary>Renders every family in the Prometheus text format.</summary>
    public string Export()
    {
        var state = _readState();
        var text = new PrometheusTextWriter();

        text.Family("stampede_demo_requests_total", "counter", "HTTP requests answered, by route (endpoint) and status code.");
        foreach (var ((endpoint, status), count) in _requests.OrderBy(r => r.Key.Endpoint, StringComparer.Ordinal).ThenBy(r => r.Key.Status))
        {
            text.Sample("stampede_demo_requests_total", [("endpoint", endpoint), ("status", status.ToString(CultureInfo.InvariantCulture))], Volatile.Read(ref count.Value));
        }

        text.Family("stampede_demo_request_duration_seconds", "histogram", "Time from request arrival to the end of the response, by route (seconds).");
        foreach (var (endpoint, histogram) in _requestDurations.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            text.Histogram("stampede_demo_request_duration_seconds", ("endpoint", endpoint), histogram.Snapshot());
        }

        Gauge(text, "stampede_demo_requests_in_flight", "Requests being handled now, this scrape included.", Interlocked.Read(ref _inFlight));
        Counter(text, "stampede_demo_rejected_total", "Requests refused with 503 because the queue was full.", Interlocked.Read(ref _rejected));
        Gauge(text, "stampede_demo_queue_length", "Requests waiting for a free inference worker.", state.QueueLength);
        Gauge(text, "stampede_demo_queue_capacity", "The most requests that may wait (MaxQueue).", state.QueueCapacity);
        Gauge(text, "stampede_demo_workers_busy", "Inference workers processing a request now.", state.BusyWorkers);
        Gauge(text, "stampede_demo_workers_current", "Inference workers that exist, including those still cold-starting.", state.CurrentWorkers);
        Gauge(text, "stampede_demo_workers_ready", "Inference workers past their cold start and taking work.", state.ReadyWorkers);
        Gauge(text, "stampede_demo_model_ready", "1 once the model is loaded and warmed up, else 0.", state.ModelReady ? 1 : 0);
        Gauge(text, "stampede_demo_cold_start_seconds", "Model load plus warm-up (the prototype embeddings) at startup (seconds); 0 until ready.", state.ColdStart?.TotalSeconds ?? 0);

        text.Family("stampede_demo_stage_duration_seconds", "histogram", "Time per processing stage of an inference request: queue, decode, resize (with normalisation), inference (seconds).");
        for (var i = 0; i < Stages.Length; i++)
        {
            text.Histogram("stampede_demo_stage_duration_seconds", ("stage", Stages[i]), _stages[i].Snapshot());
        }

        text.Family("stampede_demo_scale_events_total", "counter", "Workers the autoscaler added (direction=up) or removed (direction=down).");
        text.Sample("stampede_demo_scale_events_total", [("direction", "up")], Interlocked.Read(ref _scaleUps));
        text.Sample("stampede_demo_scale_events_total", [("direction", "down")], Interlocked.Read(ref _scaleDowns));

        Counter(text, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", Environment.CpuUsage.TotalTime.TotalSeconds);
        Gauge(text, "process_resident_memory_bytes", "Resident memory size in bytes.", Environment.WorkingSet);
        Gauge(text, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", ProcessStartTime);
        if (_readLlmState is { } readLlm)
        {
            ExportLlm(text, readLlm());
        }

        return text.ToString();
    }

    /// <summary>The simulator's series, named and labelled (<c>model_name</c>) as vLLM's own, so tools that read vLLM read these.</summary>
    private static void ExportLlm(PrometheusTextWriter text, LlmServingState llm)
    {
        ReadOnlySpan<(string, string)> model = [("model_name", llm.ModelName)];
        text.Family("vllm:num_requests_running", "gauge", "Number of requests in the simulated model's batch (prefilling or decoding).");
        text.Sample("vllm:num_requests_running", model, llm.Running);
        text.Family("vllm:num_requests_waiting", "gauge", "Number of requests waiting for a batch slot.");
        text.Sample("vllm:num_requests_waiting", model, llm.Waiting);
        text.Family("vllm:gpu_cache_usage_perc", "gauge", "Simulated KV cache usage: the running sequences' tokens over the cache's capacity (1 = 100 percent).");
        text.Sample("vllm:gpu_cache_usage_perc", model, llm.CacheUsage);
        text.Family("vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed.");
        text.Sample("vllm:prompt_tokens_total", model, llm.PromptTokens);
        text.Family("vllm:generation_tokens_total", "counter", "Number of generation tokens processed.");
        text.Sample("vllm:generation_tokens_total", model, llm.GenerationTokens);
    }

    private static void Gauge(PrometheusTextWriter text, string name, string help, double value)
    {
        text.Family(name, "gauge", help);
        text.Sample(name, value);
    }

    private static void Counter(PrometheusTextWriter text, string name, string help, double value)
    {
        text.Family(name, "counter", help);
        text.Sample(name, value);
    }

    private static double ReadProcessStartTime()
    {
        using var process = Process.GetCurrentProcess();
        return new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
    }

    private sealed class Cell
    {
        public long Value;
    }
}
