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
/// A model server with a known autoscaler: workers that sleep a fixed service time, an unbounded queue, and a replica
/// gauge (<c>pool_replicas{pool="main"}</c>, a name no built-in rule knows) that goes from <c>min</c> to <c>max</c>
/// workers a known delay after the queue first passes a level. Its capacity is workers / service time, so the time the
/// backlog takes to drain is arithmetic.
/// </summary>
public sealed class ScalingPoolServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SemaphoreSlim _workers;
    private readonly int _max;
    private readonly int _level;
    private readonly CancellationTokenSource _stop = new();
    private int _waiting;
    private int _current;
    private int _triggered;

    private ScalingPoolServer(WebApplication app, int min, int max, TimeSpan service, int level, TimeSpan scaleDelay)
    {
        _app = app;
        _workers = new SemaphoreSlim(min, max);
        _current = min;
        _max = max;
        Service = service;
        _level = level;
        ScaleDelay = scaleDelay;
    }

    public string Address { get; private set; } = string.Empty;

    /// <summary>How long one request holds a worker.</summary>
    public TimeSpan Service { get; }

    /// <summary>How long after the queue first passes the level the pool grows to its maximum.</summary>
    public TimeSpan ScaleDelay { get; }

    /// <summary>When (since the server started) the queue first passed the level; <see langword="null"/> before it did.</summary>
    public TimeSpan? PassedLevelAt { get; private set; }

    /// <summary>When (since the server started) the pool grew; <see langword="null"/> before it did.</summary>
    public TimeSpan? ScaledAt { get; private set; }

    private System.Diagnostics.Stopwatch Clock { get; } = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Starts the server on a free port of 127.0.0.1.</summary>
    /// <param name="min">Workers at the start.</param>
    /// <param name="max">Workers after the scale-out.</param>
    /// <param name="service">Time each request holds a worker.</param>
    /// <param name="level">Requests waiting above which the scale-out is triggered.</param>
    /// <param name="scaleDelay">Time from the trigger to the new workers serving (and the gauge showing them).</param>
    public static async Task<ScalingPoolServer> StartAsync(int min, int max, TimeSpan service, int level, TimeSpan scaleDelay)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var server = new ScalingPoolServer(app, min, max, service, level, scaleDelay);
        app.MapGet("/predict", server.PredictAsync);
        app.MapGet("/metrics", server.Metrics);
        await app.StartAsync();
        server.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _workers.Dispose();
        _stop.Dispose();
    }

    private async Task PredictAsync(HttpContext context)
    {
        if (Interlocked.Increment(ref _waiting) > _level && Interlocked.Exchange(ref _triggered, 1) == 0)
        {
            PassedLevelAt = Clock.Elapsed;
            _ = ScaleOutAsync();
        }

        await _workers.WaitAsync(context.RequestAborted);
        Interlocked.Decrement(ref _waiting);
        try
        {
            await Task.Delay(Service, context.RequestAborted);
            await context.Response.WriteAsync("cat");
        }
        finally
        {
            _workers.Release();
        }
    }

    private async Task ScaleOutAsync()
    {
        try
        {
            await Task.Delay(ScaleDelay, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        int added = _max - Volatile.Read(ref _current);
        ScaledAt = Clock.Elapsed;
        Volatile.Write(ref _current, _max);
        _workers.Release(added);
    }

    private string Metrics() => string.Create(
        CultureInfo.InvariantCulture,
        $"""
        # HELP pool_queue_depth Requests waiting for a worker.
        # TYPE pool_queue_depth gauge
        pool_queue_depth {Math.Max(0, Volatile.Read(ref _waiting))}
        # HELP pool_replicas Workers that serve.
        # TYPE pool_replicas gauge
        pool_replicas{"{"}pool="main"{"}"} {Volatile.Read(ref _current)}

        """);
}
