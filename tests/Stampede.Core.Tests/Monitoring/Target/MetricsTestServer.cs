using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stampede.Monitoring;

namespace Stampede.Core.Tests.Monitoring.Target;

/// <summary>
/// A Kestrel server on 127.0.0.1 whose <c>/metrics</c> answers whatever the test sets in <see cref="Respond"/>, so one
/// test can make a healthy exporter misbehave and recover. Answers with the Prometheus text format until told otherwise.
/// </summary>
internal sealed class MetricsTestServer : IAsyncDisposable
{
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly WebApplication _app;
    private int _requests;

    private MetricsTestServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The base address, e.g. http://127.0.0.1:41234.</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>The endpoint a source scrapes.</summary>
    public MetricsEndpoint Endpoint(string name = "app") => new(name, new Uri(Address + "/metrics"));

    /// <summary>Requests received.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The Accept header of the last request.</summary>
    public string? LastAccept { get; private set; }

    /// <summary>How the next requests are answered.</summary>
    public Func<HttpContext, Task> Respond { get; set; } = Metrics("# TYPE up gauge\nup 1\n");

    public static async Task<MetricsTestServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1));
        WebApplication app = builder.Build();
        var server = new MetricsTestServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return server;
    }

    /// <summary>Answers <paramref name="text"/> with a status and content type.</summary>
    public static Func<HttpContext, Task> Metrics(string text, int status = 200, string contentType = TextContentType) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(text);
    };

    /// <summary>
    /// Streams an exposition of <paramref name="megabytes"/> MiB: one 1 MiB block of valid lines built once, written again and
    /// again, so the server never holds the whole body. With <paramref name="declareLength"/> it says the length up front;
    /// without, it is chunked and the client only learns the size by reading.
    /// </summary>
    public static Func<HttpContext, Task> Huge(int megabytes, bool declareLength)
    {
        byte[] block = Block();
        return async context =>
        {
            context.Response.ContentType = TextContentType;
            if (declareLength)
            {
                context.Response.ContentLength = (long)block.Length * megabytes;
            }

            try
            {
                for (int i = 0; i < megabytes && !context.RequestAborted.IsCancellationRequested; i++)
                {
                    await context.Response.Body.WriteAsync(block, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client stopped reading at its cap and dropped the connection: what the test wants.
            }
        };
    }

    /// <summary>Waits until the client gives up (or <paramref name="atMost"/> passes), then answers <paramref name="text"/>.</summary>
    public static Func<HttpContext, Task> Slow(TimeSpan atMost, string text = "# TYPE up gauge\nup 1\n") => async context =>
    {
        try
        {
            await Task.Delay(atMost, context.RequestAborted);
            await context.Response.WriteAsync(text, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The scrape timed out and the client closed the connection.
        }
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static byte[] Block()
    {
        const int Size = 1024 * 1024;
        var text = new StringBuilder(Size + 100);
        text.Append("# TYPE big_series gauge\n");
        for (int i = 0; text.Length < Size - 64; i++)
        {
            text.Append("big_series{shard=\"").Append(i).Append("\"} 1\n");
        }

        text.Append('#', Size - text.Length - 1).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        LastAccept = context.Request.Headers.Accept.ToString();
        if (context.Request.Path != "/metrics")
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        }

        return Respond(context);
    }
}
