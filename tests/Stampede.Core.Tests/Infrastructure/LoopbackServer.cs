using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Stampede.Core.Tests.Infrastructure;

/// <summary>
/// A Kestrel server on 127.0.0.1 with endpoints of known behaviour, started by a test and stopped with it.
/// It measures its own handling time per path so tests can compare the generator's numbers with the truth.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _serverMs = new();
    private readonly ConcurrentDictionary<string, byte> _connections = new();
    private int _requests;

    private LoopbackServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>HTTP/1.1 base address, e.g. http://127.0.0.1:41234.</summary>
    public string Address { get; private set; } = string.Empty;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>When the latest request arrived (UTC); <see langword="null"/> before the first.</summary>
    public DateTime? LastRequestAt { get; private set; }

    /// <summary>Distinct TCP connections that sent at least one request.</summary>
    public int Connections => _connections.Count;

    /// <summary>Server-side handling times in ms for requests to <paramref name="path"/>.</summary>
    public IReadOnlyList<double> ServerTimes(string path) => _serverMs.TryGetValue(path, out var bag) ? [.. bag] : [];

    /// <summary>Forgets the handling times measured so far (after a warm-up that is not to be compared).</summary>
    public void ClearServerTimes() => _serverMs.Clear();

    /// <summary>Protocols seen, e.g. HTTP/2.</summary>
    public ConcurrentDictionary<string, int> Protocols { get; } = new();

    /// <summary>Starts a server speaking HTTP/1.1, or HTTP/2 with prior knowledge when <paramref name="http2"/> is set.</summary>
    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, Task<bool>>? extra = null, bool http2 = false)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0, l => l.Protocols = http2 ? HttpProtocols.Http2 : HttpProtocols.Http1);
            o.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        WebApplication app = builder.Build();
        var server = new LoopbackServer(app);
        app.Run(context => server.HandleAsync(context, extra));
        await app.StartAsync();
        server.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return server;
    }

    /// <summary>The body <c>/chunked?n=</c> answers: byte <c>i</c> is <c>i % 251</c>.</summary>
    public static byte[] ChunkedBody(int n)
    {
        byte[] body = new byte[n];
        for (int i = 0; i < n; i++)
        {
            body[i] = (byte)(i % 251);
        }

        return body;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, Func<HttpContext, Task<bool>>? extra)
    {
        long started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _requests);
        LastRequestAt = DateTime.UtcNow;
        _connections.TryAdd(context.Connection.Id, 0);
        Protocols.AddOrUpdate(context.Request.Protocol, 1, (_, n) => n + 1);
        string path = context.Request.Path.Value ?? "/";
        IQueryCollection query = context.Request.Query;

        if (extra is not null && await extra(context))
        {
            return;
        }

        switch (path)
        {
            case "/ok":
                await context.Response.WriteAsync("ok");
                break;
            case "/bytes":
                {
                    int n = int.Parse(query["n"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
                    context.Response.ContentLength = n;
                    await context.Response.Body.WriteAsync(new byte[n]);
                    break;
                }

            case "/chunked":
                {
                    // n bytes (byte i is i % 251) with no Content-Length, so chunked, written in pieces of 1 to 7,000
                    // bytes: the client cannot know the length until the end.
                    int n = int.Parse(query["n"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
                    byte[] body = ChunkedBody(n);
                    int piece = 1;
                    for (int at = 0; at < n; at += piece, piece = (piece * 7 % 7000) + 1)
                    {
                        await context.Response.Body.WriteAsync(body.AsMemory(at, Math.Min(piece, n - at)));
                        await context.Response.Body.FlushAsync();
                    }

                    break;
                }

            case "/echo":
                {
                    using var buffer = new MemoryStream();
                    await context.Request.Body.CopyToAsync(buffer);
                    await context.Response.WriteAsync($"{{\"received\":{buffer.Length}}}");
                    break;
                }

            case "/status":
                context.Response.StatusCode = int.Parse(query["code"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
                await context.Response.WriteAsync("status");
                break;
            case "/delay":
                await Task.Delay(TimeSpan.FromMilliseconds(double.Parse(query["ms"].ToString(), System.Globalization.CultureInfo.InvariantCulture)));
                await context.Response.WriteAsync("delayed");
                break;
            case "/slowbody":
                {
                    // Headers at once, the body after a pause: TTFB and total time differ by the pause.
                    int ms = int.Parse(query["ms"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
                    context.Response.ContentLength = 4;
                    await context.Response.StartAsync();
                    await context.Response.Body.FlushAsync();
                    await Task.Delay(ms);
                    await context.Response.WriteAsync("done");
                    break;
                }

            case "/reset":
                context.Features.Get<IConnectionLifetimeFeature>()?.Abort();
                context.Abort();
                return;
            case "/truncated":
                // Promise 100 bytes, send 10, then drop the connection: a malformed response.
                context.Response.ContentLength = 100;
                await context.Response.Body.WriteAsync(new byte[10]);
                await context.Response.Body.FlushAsync();
                context.Abort();
                return;
            default:
                context.Response.StatusCode = 404;
                break;
        }

        double ms2 = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        _serverMs.GetOrAdd(path, _ => []).Add(ms2);
    }
}
