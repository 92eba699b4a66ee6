using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Stampede.Tests.Analysis;

/// <summary>
/// A model server whose capacity is set by sleeping workers, not by CPU: <c>workers / service time</c>
/// requests/s, a bounded queue that answers 503 when full, and /metrics with its queue depth and busy
/// workers under names no built-in rule knows (tests map them with --watch).
/// </summary>
public sealed class WorkerPoolServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SemaphoreSlim _workers;
    private readonly int _workerCount;
    private readonly TimeSpan _service;
    private readonly int _maxQueue;
    private int _waiting;
    private int _busy;

    private WorkerPoolServer(WebApplication app, int workers, TimeSpan service, int maxQueue)
    {
        _app = app;
        _workerCount = workers;
        _workers = new SemaphoreSlim(workers, workers);
        _service = service;
        _maxQueue = maxQueue;
    }

    public string Address { get; private set; } = string.Empty;

    /// <summary>The true capacity, requests/s.</summary>
    public double Capacity => _workerCount / _service.TotalSeconds;

    public static async Task<WorkerPoolServer> StartAsync(int workers, TimeSpan service, int maxQueue)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var server = new WorkerPoolServer(app, workers, service, maxQueue);
        app.MapGet("/predict", server.PredictAsync);
        app.MapGet("/metrics", server.Metrics);
        await app.StartAsync();
        server.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _workers.Dispose();
    }

    private async Task PredictAsync(HttpContext context)
    {
        if (Interlocked.Increment(ref _waiting) > _maxQueue)
        {
            Interlocked.Decrement(ref _waiting);
            context.Response.StatusCode = 503;
            return;
        }

        await _workers.WaitAsync(context.RequestAborted);
        Interlocked.Decrement(ref _waiting);
        Interlocked.Increment(ref _busy);
        try
        {
            await Task.Delay(_service, context.RequestAborted);
            await context.Response.WriteAsync("cat");
        }
        finally
        {
            Interlocked.Decrement(ref _busy);
            _workers.Release();
        }
    }

    private string Metrics() => string.Create(
        CultureInfo.InvariantCulture,
        $"""
        # HELP pool_queue_depth Requests waiting for a worker.
        # TYPE pool_queue_depth gauge
        pool_queue_depth {Math.Max(0, Volatile.Read(ref _waiting))}
        # HELP pool_workers_busy Workers sleeping on a request.
        # TYPE pool_workers_busy gauge
        pool_workers_busy{"{"}pool="main"{"}"} {Volatile.Read(ref _busy)}
        # TYPE process_cpu_seconds_total counter
        process_cpu_seconds_total {Environment.CpuUsage.TotalTime.TotalSeconds}

        """);
}
