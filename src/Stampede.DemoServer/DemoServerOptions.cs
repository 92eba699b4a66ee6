using System.Globalization;
using System.Net;
using Stampede.Demo.Llm;

namespace Stampede.Demo;

/// <summary>
/// How the demo ML API listens, how much work it accepts and how it scales.
/// Passed to <see cref="DemoServer.StartAsync(DemoServerOptions, CancellationToken)"/>, which copies it:
/// changing an instance after the server started has no effect.
/// </summary>
public sealed class DemoServerOptions
{
    /// <summary>The largest number of inference workers any setting may ask for.</summary>
    public const int MaxWorkers = 256;

    /// <summary>The largest queue any setting may ask for (requests).</summary>
    public const int MaxQueueLimit = 100_000;

    /// <summary>The default limit on a request body: 20 MiB (bytes).</summary>
    public const long DefaultMaxBodyBytes = 20L * 1024 * 1024;

    /// <summary>The IP address Kestrel binds to, or <c>localhost</c>.</summary>
    /// <value>Default <c>127.0.0.1</c> (loopback only). <c>0.0.0.0</c> or <c>::</c> listen on every interface.</value>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The TCP port to listen on.</summary>
    /// <value>Default 0: the operating system picks a free port; read it back from <see cref="DemoServer.Address"/>.</value>
    public int Port { get; set; }

    /// <summary>A second TCP port for the KServe v2 gRPC API (plain-text HTTP/2), or none.</summary>
    /// <value>Default none: no gRPC. 0 picks a free port; read it back from <see cref="DemoServer.GrpcAddress"/>.</value>
    public int? GrpcPort { get; set; }

    /// <summary>Inference workers: how many images are processed at once.</summary>
    /// <value>Default <see cref="Environment.ProcessorCount"/>. Ignored when <see cref="Autoscale"/> is set.</value>
    /// <remarks>
    /// Each worker decodes, resizes and runs the model for one request at a time on one thread (the model
    /// session uses one intra-op thread), so this is the server's parallelism. More workers than cores adds
    /// contention, not throughput.
    /// </remarks>
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>Requests that may wait for a free worker before new ones are refused with 503.</summary>
    /// <value>Default 32 (requests). Valid from 1 to <see cref="MaxQueueLimit"/>.</value>
    /// <remarks>A longer queue turns overload into latency; a shorter one turns it into 503s sooner.</remarks>
    public int MaxQueue { get; set; } = 32;

    /// <summary>The largest request body accepted; larger ones get 413.</summary>
    /// <value>Default <see cref="DefaultMaxBodyBytes"/> (20 MiB, bytes). Valid from 1 to <see cref="int.MaxValue"/>.</value>
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>Turns the autoscaler on, between a minimum and maximum number of workers.</summary>
    /// <value>Default <see langword="null"/>: a fixed pool of <see cref="Workers"/> workers.</value>
    /// <remarks>
    /// The server starts with <see cref="AutoscaleRange.Min"/> workers; it adds one when the queue stays longer than
    /// <see cref="ScaleUpQueueThreshold"/> for <see cref="ScaleUpDelay"/>, the new worker taking
    /// <see cref="WorkerColdStart"/> before it serves; it removes one after <see cref="ScaleDownDelay"/> with
    /// nothing queued and no worker busy.
    /// </remarks>
    public AutoscaleRange? Autoscale { get; set; }

    /// <summary>The queue length (requests waiting) above which the autoscaler wants another worker.</summary>
    /// <value>Default 4 (requests). Valid from 0 to <see cref="MaxQueueLimit"/>.</value>
    public int ScaleUpQueueThreshold { get; set; } = 4;

    /// <summary>How long the queue must stay above <see cref="ScaleUpQueueThreshold"/> before a worker is added.</summary>
    /// <value>Default 5 s. Valid from zero to one day.</value>
    /// <remarks>Shorter reacts faster to a burst; longer ignores brief spikes (Kubernetes' HPA waits on the order of tens of seconds).</remarks>
    public TimeSpan ScaleUpDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the server must be idle (nothing queued, no worker busy) before a worker is removed.</summary>
    /// <value>Default 30 s. Valid from zero to one day.</value>
    public TimeSpan ScaleDownDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The simulated time an added worker takes before it serves, like a new replica loading its model.</summary>
    /// <value>Default 2 s. Valid from zero to one day.</value>
    /// <remarks>Only workers the autoscaler adds pay it; the first workers wait for the real model load instead.</remarks>
    public TimeSpan WorkerColdStart { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A delay added before every inference request (<c>/predict</c> and the KServe infer route) is handled: a
    /// slower model, network hop or pre-processing stage, to try thresholds and baselines against.
    /// </summary>
    /// <value>Default zero. Valid from zero to one day. Waited on the real clock.</value>
    /// <remarks>The delay holds no worker, so it adds latency without lowering the server's capacity.</remarks>
    public TimeSpan AddedLatency { get; set; }

    /// <summary>Turns the LLM server simulator on: <c>POST /v1/chat/completions</c>, <c>POST /v1/completions</c> and
    /// vLLM-named series on <c>/metrics</c>, beside the image model's routes.</summary>
    /// <value>Default <see langword="null"/>: off, the server is the image demo only.</value>
    /// <remarks>A simulator of an LLM server's timing (TTFT, ITL, continuous batching), not a language model; its
    /// answers are filler text. See <see cref="LlmSimulatorOptions"/>.</remarks>
    public LlmSimulatorOptions? Llm { get; set; }

    /// <summary>The ONNX model file to serve.</summary>
    /// <value>Default <see langword="null"/>: the ResNet-18 model copied next to the application at build time
    /// (<c>Models/ResNet18.onnx</c>, from the <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> package).</value>
    /// <remarks>Another model must have the same input (1×3×224×224 float) and output (512 floats).</remarks>
    public string? ModelPath { get; set; }

    /// <summary>The clock the autoscaler and simulated worker cold starts follow.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>. Tests pass a fake clock and advance it.</value>
    /// <remarks>Measured timings (decode, inference, the model's cold start) always use the real clock.</remarks>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names the option, its value and what is valid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host) || !(IsLocalhost(Host) || IPAddress.TryParse(Host, out _)))
        {
            throw Invalid(nameof(Host), Host, "an IP address such as 127.0.0.1, 0.0.0.0 or ::1, or 'localhost'");
        }

        if (Port is < 0 or > 65535)
        {
            throw Invalid(nameof(Port), Port, "between 0 (pick a free port) and 65535");
        }

        if (GrpcPort is < 0 or > 65535)
        {
            throw Invalid(nameof(GrpcPort), GrpcPort, "between 0 (pick a free port) and 65535");
        }

        if (GrpcPort is { } grpc && grpc != 0 && grpc == Port)
        {
            throw Invalid(nameof(GrpcPort), GrpcPort, $"another port than the HTTP one ({Port})");
        }

        if (Workers is < 1 or > MaxWorkers)
        {
            throw Invalid(nameof(Workers), Workers, $"between 1 and {MaxWorkers}");
        }

        if (MaxQueue is < 1 or > MaxQueueLimit)
        {
            throw Invalid(nameof(MaxQueue), MaxQueue, $"between 1 and {MaxQueueLimit}");
        }

        if (MaxBodyBytes is < 1 or > int.MaxValue)
        {
            throw Invalid(nameof(MaxBodyBytes), MaxBodyBytes, $"between 1 and {int.MaxValue} bytes");
        }

        if (Autoscale is { } range && (range.Min < 1 || range.Max < range.Min || range.Max > MaxWorkers))
        {
            throw Invalid(nameof(Autoscale), range, $"min:max with 1 <= min <= max <= {MaxWorkers}, for example 1:4");
        }

        if (ScaleUpQueueThreshold is < 0 or > MaxQueueLimit)
        {
            throw Invalid(nameof(ScaleUpQueueThreshold), ScaleUpQueueThreshold, $"between 0 and {MaxQueueLimit} requests");
        }

        CheckDelay(nameof(ScaleUpDelay), ScaleUpDelay);
        CheckDelay(nameof(ScaleDownDelay), ScaleDownDelay);
        CheckDelay(nameof(WorkerColdStart), WorkerColdStart);
        CheckDelay(nameof(AddedLatency), AddedLatency);

        Llm?.Validate();

        if (ModelPath is not null && string.IsNullOrWhiteSpace(ModelPath))
        {
            throw Invalid(nameof(ModelPath), ModelPath, "null (the bundled ResNet-18) or the path of an .onnx file");
        }

        if (TimeProvider is null)
        {
            throw Invalid(nameof(TimeProvider), "null", "a clock, for example TimeProvider.System");
        }
    }

    /// <summary>Parses an autoscale range written <c>min:max</c>, for example <c>1:4</c>.</summary>
    /// <param name="text">The text to parse; spaces around the numbers are allowed.</param>
    /// <param name="range">The parsed range when the method returns <see langword="true"/>; otherwise the default.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is two whole numbers with
    /// 1 &lt;= min &lt;= max &lt;= <see cref="MaxWorkers"/>.</returns>
    public static bool TryParseAutoscale(string? text, out AutoscaleRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var separator = text.IndexOf(':', StringComparison.Ordinal);
        if (separator < 0)
        {
            return false;
        }

        var minText = text.AsSpan(0, separator).Trim();
        var maxText = text.AsSpan(separator + 1).Trim();
        if (!int.TryParse(minText, NumberStyles.None, CultureInfo.InvariantCulture, out var min)
            || !int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out var max)
            || min < 1 || max < min || max > MaxWorkers)
        {
            return false;
        }

        range = new AutoscaleRange(min, max);
        return true;
    }

    /// <summary>Runs before the model is loaded; tests use it to hold the server in its cold start.</summary>
    internal Func<CancellationToken, Task>? BeforeModelLoad { get; set; }

    internal static bool IsLocalhost(string host) => string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);

    internal DemoServerOptions Clone()
    {
        var copy = (DemoServerOptions)MemberwiseClone();
        copy.Llm = Llm?.Clone();
        return copy;
    }

    /// <summary>Workers the server starts with: the autoscaler's minimum when it is on, else <see cref="Workers"/>.</summary>
    internal int InitialWorkers => Autoscale?.Min ?? Workers;

    private static void CheckDelay(string name, TimeSpan value)
    {
        if (value < TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw Invalid(name, value, "between 00:00:00 and 1.00:00:00");
        }
    }

    private static ArgumentException Invalid(string option, object? value, string valid) =>
        new(string.Create(CultureInfo.InvariantCulture, $"DemoServerOptions.{option} is '{value}'; it must be {valid}."), option);
}
