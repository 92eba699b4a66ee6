using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Stampede.Demo.Inference;
using Stampede.Demo.Llm;
using Stampede.Demo.Scaling;
using Stampede.Demo.Telemetry;

namespace Stampede.Demo;

/// <summary>
/// The demo ML inference API: ResNet-18 (ONNX Runtime, CPU) behind ASP.NET Core Kestrel, with <c>POST /predict</c>,
/// the KServe v2 routes, Prometheus <c>GET /metrics</c>, a bounded queue in front of a fixed or autoscaled pool of
/// inference workers, and a real cold start. The default target of <c>stampede demo</c> and <c>stampede serve-demo</c>.
/// </summary>
/// <example>
/// <code>
/// await using var server = await DemoServer.StartAsync(new DemoServerOptions { Workers = 2 });
/// await server.Ready;                       // model loaded and warmed up
/// var url = server.Address + "/predict";    // e.g. http://127.0.0.1:43123/predict
/// </code>
/// </example>
public sealed partial class DemoServer : IAsyncDisposable
{
    private readonly DemoServerOptions _options;
    private readonly DemoServerMetrics _metrics;
    private readonly ModelHost _host;
    private readonly WorkerPool _pool;
    private readonly LlmBatchScheduler? _llm;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _stopGate = new();
    private WebApplication? _app;
    private Autoscaler? _autoscaler;
    private Task? _stopTask;

    private DemoServer(DemoServerOptions options)
    {
        _options = options;
        _metrics = new DemoServerMetrics();
        _host = new ModelHost();
        _pool = new WorkerPool(options.MaxQueue, _host, _metrics, options.TimeProvider);
        _metrics.ObserveState(() => new ServingState(
            _pool.QueueLength,
            _pool.Capacity,
            _pool.BusyWorkers,
            _pool.CurrentWorkers,
            _pool.ReadyWorkers,
            _host.IsReady,
            _host.ColdStart));
        if (options.Llm is { } llm)
        {
            var scheduler = new LlmBatchScheduler(llm);
            _llm = scheduler;
            _metrics.ObserveLlm(() => new LlmServingState(
                llm.ModelName,
                scheduler.Running,
                scheduler.Waiting,
                scheduler.CacheUsage,
                scheduler.PromptTokens,
                scheduler.GenerationTokens));
        }
    }

    /// <summary>The base URL the server listens on, without a trailing slash.</summary>
    /// <value>For example <c>http://127.0.0.1:43123</c>; the real port when <see cref="DemoServerOptions.Port"/> was 0.</value>
    public string Address { get; private set; } = string.Empty;

    /// <summary>The base URL of the KServe v2 gRPC API (<see cref="DemoServerOptions.GrpcPort"/>), or none when it is off.</summary>
    /// <value>For example <c>http://127.0.0.1:43124</c>: plain-text HTTP/2.</value>
    public string? GrpcAddress { get; private set; }

    /// <summary>Completes when the model session is created and warmed up and the first workers take requests.</summary>
    /// <remarks>
    /// Faults when the model cannot be loaded (the server keeps answering, with 503 on inference routes and on
    /// <c>/v2/health/ready</c>). Requests sent before it completes wait in the queue, so their latency includes the
    /// remaining cold start, as a client of a freshly started replica would see.
    /// </remarks>
    public Task Ready => _host.Ready;

    /// <summary>How long the model took to load and warm up (real time); null until <see cref="Ready"/> completes.</summary>
    /// <value>Session creation plus the warm-up inferences (the 16 prototype embeddings), for example about 2 s.</value>
    public TimeSpan? ColdStart => _host.ColdStart;

    internal WorkerPool Pool => _pool;

    internal DemoServerMetrics Metrics => _metrics;

    /// <summary>
    /// Validates <paramref name="options"/>, binds Kestrel and returns once it listens; the model loads in the
    /// background (await <see cref="Ready"/> for it).
    /// </summary>
    /// <param name="options">Where to listen and how much work to take; copied, so later changes have no effect.</param>
    /// <param name="cancellationToken">Cancels binding.</param>
    /// <returns>The running server; dispose it (or call <see cref="StopAsync"/>) to stop it.</returns>
    /// <exception cref="ArgumentException">An option is invalid (see <see cref="DemoServerOptions.Validate"/>).</exception>
    /// <exception cref="IOException">The address could not be bound, for example a port in use.</exception>
    public static async Task<DemoServer> StartAsync(DemoServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var server = new DemoServer(options.Clone());
        try
        {
            await server.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.StopAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>
    /// Stops listening (requests in progress get up to 5 s to finish), answers anything still queued with 503,
    /// stops the workers and releases the model. Safe to call more than once.
    /// </summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public Task StopAsync()
    {
        lock (_stopGate)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    /// <summary>Stops the server, as <see cref="StopAsync"/>.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        _app = BuildApplication();
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        Address = addresses.First().TrimEnd('/');
        GrpcAddress = _options.GrpcPort is null ? null : addresses.Skip(1).First().TrimEnd('/');

        _host.StartLoading(_options.ModelPath ?? ResNetModel.DefaultPath, _options.InitialWorkers, _options.BeforeModelLoad, _stopping.Token);
        _ = FailQueuedIfModelFailsAsync();
        _pool.StartInitialWorkers(_options.InitialWorkers);
        if (_options.Autoscale is not null)
        {
            _autoscaler = new Autoscaler(_options, _pool);
        }
    }

    private async Task FailQueuedIfModelFailsAsync()
    {
        try
        {
            await _host.Ready.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Observed here so that a failed load is never an unobserved task exception; the host keeps the reason.
            _pool.FailQueued(503, _host.FailureMessage ?? "the model failed to load");
        }
    }

    private async Task StopCoreAsync()
    {
        _autoscaler?.Dispose();

        // Stops a load still in progress; requests queued behind it are then answered 503 at once
        // instead of holding the shutdown for its grace period.
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _app.StopAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Requests still running after the grace period are aborted by Kestrel.
            }
        }

        await _pool.StopAsync(503, "the server is stopping").ConfigureAwait(false);
        await _host.WhenLoadingEndsAsync().ConfigureAwait(false);
        _host.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
