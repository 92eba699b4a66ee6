using System.Globalization;
using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stampede.Cli;
using Stampede.Reports;

namespace Stampede.Web;

/// <summary>
/// The live web dashboard: a Kestrel server with one page (uPlot inlined, no other request), a server-sent event
/// stream of the run's snapshots, JSON POSTs that control the run and downloads of the finished run's outputs.
/// </summary>
/// <remarks>
/// Endpoints: <c>GET /</c>, <c>GET /events</c> (text/event-stream, one event per snapshot, about once a second),
/// <c>GET /api/state</c>, <c>POST /api/start</c> <c>{"users","spawnRate","host","runTime"}</c>,
/// <c>POST /api/users</c> <c>{"users","spawnRate"}</c>, <c>POST /api/reset</c>, <c>POST /api/stop</c>,
/// <c>GET /download/csv</c> (and <c>/download/csv/history|failures|exceptions</c>), <c>/download/json</c>,
/// <c>/download/html</c>. Every request passes <see cref="DashboardSecurity"/> first.
/// </remarks>
internal sealed class DashboardServer : IAsyncDisposable
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    private readonly WebApplication _app;
    private readonly DashboardRunner _runner;
    private readonly string _pageConfig;
    private readonly DashboardRunRequest _defaults;
    private readonly CancellationTokenSource _closing = new();

    private DashboardServer(WebApplication app, DashboardRunner runner, DashboardRunRequest defaults, string pageConfig)
    {
        _defaults = defaults;
        _app = app;
        _runner = runner;
        _pageConfig = pageConfig;
    }

    /// <summary>The dashboard's address, e.g. <c>http://127.0.0.1:8089/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Starts listening; throws <see cref="IOException"/> when the port is taken.</summary>
    /// <param name="options">Where to listen and the credentials to ask for.</param>
    /// <param name="runner">The runs the dashboard controls.</param>
    /// <param name="defaults">What the start form shows first: the command line's users, spawn rate, host and run time.</param>
    /// <param name="title">The scenario's user classes, for the page title.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    public static async Task<DashboardServer> StartAsync(
        DashboardOptions options,
        DashboardRunner runner,
        DashboardRunRequest defaults,
        string title,
        CancellationToken cancellationToken)
    {
        IPAddress address = options.BindAddress(out string? problem) ?? throw new ArgumentException(problem, nameof(options));
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(DashboardServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.UseSetting(WebHostDefaults.PreferHostingUrlsKey, "false");
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(address, options.Port);
            k.Limits.MaxRequestBodySize = 64 * 1024;
            k.AddServerHeader = false;
        });
        WebApplication app = builder.Build();
        var server = new DashboardServer(app, runner, defaults, PageConfig(defaults, title, options.Auth is not null));
        var security = new DashboardSecurity(options.Auth);
        app.Use(async (context, next) =>
        {
            if (await security.AdmitAsync(context).ConfigureAwait(false))
            {
                await next(context).ConfigureAwait(false);
            }
        });
        server.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(bound);
        string shown = IPAddress.Any.Equals(address) || IPAddress.IPv6Any.Equals(address) ? Dns.GetHostName() : uri.Host;
        server.Address = new UriBuilder(uri) { Host = shown, Path = "/" }.Uri;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(limit.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/", PageAsync);
        app.MapGet("/events", Events);
        app.MapGet("/api/state", context => context.Response.WriteAsync(DashboardEvents.Write(_runner.View, 0, out _), context.RequestAborted));
        app.MapPost("/api/start", StartAsync);
        app.MapPost("/api/users", UsersAsync);
        app.MapPost("/api/reset", context => ReplyAsync(context, _runner.ResetAsync()));
        app.MapPost("/api/stop", context => ReplyAsync(context, _runner.StopAsync()));
        app.MapGet("/download/csv", context => DownloadCsvAsync(context, "stats"));
        app.MapGet("/download/csv/{file}", context => DownloadCsvAsync(context, context.Request.RouteValues["file"] as string ?? string.Empty));
        app.MapGet("/download/json", DownloadJsonAsync);
        app.MapGet("/download/html", DownloadHtmlAsync);
    }

    private async Task PageAsync(HttpContext context)
    {
        string nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        string page = DashboardPage.Render(nonce, _pageConfig);
        await context.Response.WriteAsync(page, context.RequestAborted).ConfigureAwait(false);
    }

    private IResult Events(HttpContext context)
    {
        context.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(EventsAsync(context.RequestAborted));
    }

    /// <summary>
    /// The event stream of one page: the run's view whenever it changes (the first event also tells the page to
    /// reconnect after 2 s), and a <c>keep-alive</c> event after <see cref="KeepAlive"/> without one, which the page
    /// ignores (it listens to <c>message</c> events) and which keeps proxies from closing a quiet stream.
    /// </summary>
    private async IAsyncEnumerable<SseItem<string>> EventsAsync([EnumeratorCancellation] CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _closing.Token);
        CancellationToken token = linked.Token;
        long seen = -1;
        int runId = -1;
        int points = 0;
        TimeSpan? reconnect = TimeSpan.FromSeconds(2);
        while (!token.IsCancellationRequested)
        {
            DashboardView view = _runner.View;
            if (view.Version != seen)
            {
                if (view.RunId != runId)
                {
                    (runId, points) = (view.RunId, 0);
                }

                string json = DashboardEvents.Write(view, points, out points);
                yield return new SseItem<string>(json) { ReconnectionInterval = reconnect };
                reconnect = null;
                seen = view.Version;
            }

            if (!await WaitForChangeAsync(seen, token).ConfigureAwait(false))
            {
                // The page closed or the dashboard is shutting down: the stream ends.
                yield break;
            }

            if (_runner.View.Version == seen)
            {
                yield return new SseItem<string>(string.Empty, "keep-alive");
            }
        }
    }

    /// <summary>Waits until the view moves past <paramref name="seen"/> or <see cref="KeepAlive"/> passes; false once <paramref name="token"/> is cancelled.</summary>
    private async Task<bool> WaitForChangeAsync(long seen, CancellationToken token)
    {
        try
        {
            await _runner.WaitForChangeAsync(seen, KeepAlive, token).ConfigureAwait(false);
            return !token.IsCancellationRequested;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task StartAsync(HttpContext context)
    {
        using JsonDocument? body = await ReadJsonAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        JsonElement root = body.RootElement;
        DashboardRunRequest defaults = _runner.View.Request ?? _defaults;
        if (!TryInt(root, "users", defaults.Users, out int users) || users < 0)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "users: give a whole number of users, 0 or more.").ConfigureAwait(false);
            return;
        }

        if (!TryDouble(root, "spawnRate", defaults.SpawnRate, out double spawnRate) || !(spawnRate > 0) || !double.IsFinite(spawnRate))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "spawnRate: give users per second above 0, e.g. 10 or 0.5.").ConfigureAwait(false);
            return;
        }

        string? host = root.TryGetProperty("host", out JsonElement h) && h.ValueKind == JsonValueKind.String && h.GetString()!.Trim() is { Length: > 0 } given
            ? given
            : defaults.Host;

        // The form shows the default host with its credentials hidden; sent back unchanged, it means the default itself.
        if (host is not null && defaults.Host is not null && string.Equals(host, Security.Secrets.Redact(defaults.Host), StringComparison.Ordinal))
        {
            host = defaults.Host;
        }
        if (host is not null && (!Uri.TryCreate(host, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, $"host: '{host}' is not valid; give an absolute http:// or https:// URL, e.g. http://127.0.0.1:8080.").ConfigureAwait(false);
            return;
        }

        TimeSpan? runTime = null;
        if (root.TryGetProperty("runTime", out JsonElement r) && r.ValueKind is not JsonValueKind.Null)
        {
            string text = r.ValueKind == JsonValueKind.Number ? r.GetDouble().ToString(CultureInfo.InvariantCulture) : r.GetString() ?? string.Empty;
            if (text.Trim().Length > 0)
            {
                if (!DurationParser.TryParse(text.Trim(), out TimeSpan parsed) || parsed <= TimeSpan.Zero)
                {
                    await ErrorAsync(context, StatusCodes.Status400BadRequest, $"runTime: '{text}' is not valid; give {DurationParser.Valid}, or leave it empty to run until stopped.").ConfigureAwait(false);
                    return;
                }

                runTime = parsed;
            }
        }

        await ReplyAsync(context, _runner.StartAsync(new DashboardRunRequest(users, spawnRate, host, runTime))).ConfigureAwait(false);
    }

    private async Task UsersAsync(HttpContext context)
    {
        using JsonDocument? body = await ReadJsonAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        if (!TryInt(body.RootElement, "users", -1, out int users) || users < 0)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "users: give a whole number of users, 0 or more.").ConfigureAwait(false);
            return;
        }

        double? spawnRate = null;
        if (body.RootElement.TryGetProperty("spawnRate", out JsonElement s) && s.ValueKind != JsonValueKind.Null)
        {
            if (!TryDouble(body.RootElement, "spawnRate", 0, out double rate) || !(rate > 0) || !double.IsFinite(rate))
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, "spawnRate: give users per second above 0.").ConfigureAwait(false);
                return;
            }

            spawnRate = rate;
        }

        await ReplyAsync(context, _runner.SetUsersAsync(users, spawnRate)).ConfigureAwait(false);
    }

    private async Task DownloadCsvAsync(HttpContext context, string file)
    {
        if (file is not ("stats" or "history" or "failures" or "exceptions"))
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "Give /download/csv, or /download/csv/history, /download/csv/failures or /download/csv/exceptions.").ConfigureAwait(false);
            return;
        }

        if (await FinishedReportAsync(context).ConfigureAwait(false) is not { } report)
        {
            return;
        }

        string directory = Path.Combine(Path.GetTempPath(), "stampede-dashboard-" + Guid.NewGuid().ToString("N"));
        try
        {
            string stem = FileStem(report);
            var exporter = new CsvExporter(Path.Combine(directory, stem), fullHistory: true);
            await exporter.ExportAsync(report, context.RequestAborted).ConfigureAwait(false);
            string name = file switch
            {
                "history" => "_stats_history.csv",
                "failures" => "_failures.csv",
                "exceptions" => "_exceptions.csv",
                _ => "_stats.csv",
            };
            byte[] bytes = await File.ReadAllBytesAsync(Path.Combine(directory, stem + name), context.RequestAborted).ConfigureAwait(false);
            await SendFileAsync(context, bytes, stem + name, "text/csv; charset=utf-8").ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private async Task DownloadJsonAsync(HttpContext context)
    {
        if (await FinishedReportAsync(context).ConfigureAwait(false) is not { } report)
        {
            return;
        }

        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(RunDocumentMapper.ToDocument(report), RunDocumentJsonContext.Document);
        await SendFileAsync(context, bytes, FileStem(report) + ".json", "application/json").ConfigureAwait(false);
    }

    private async Task DownloadHtmlAsync(HttpContext context)
    {
        if (await FinishedReportAsync(context).ConfigureAwait(false) is not { } report)
        {
            return;
        }

        byte[] bytes = new UTF8Encoding(false).GetBytes(HtmlReportWriter.Render(RunDocumentMapper.ToDocument(report)));
        await SendFileAsync(context, bytes, FileStem(report) + ".html", "text/html; charset=utf-8").ConfigureAwait(false);
    }

    private async Task<RunReport?> FinishedReportAsync(HttpContext context)
    {
        if (_runner.LastReport is { } report)
        {
            return report;
        }

        await ErrorAsync(context, StatusCodes.Status404NotFound, "No run has finished yet: the downloads are the outputs of the last finished run; stop a run to make them.").ConfigureAwait(false);
        return null;
    }

    private static string FileStem(RunReport report) =>
        "stampede_" + report.Result.Stats.StartedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);

    private static async Task SendFileAsync(HttpContext context, byte[] bytes, string name, string contentType)
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) is { RootElement.ValueKind: JsonValueKind.Object } document
                ? document
                : throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "Send a JSON object, e.g. {\"users\": 10, \"spawnRate\": 2}.").ConfigureAwait(false);
            return null;
        }
    }

    private static bool TryInt(JsonElement root, string name, int fallback, out int value)
    {
        value = fallback;
        if (!root.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return fallback >= 0;
        }

        return e.ValueKind == JsonValueKind.Number ? e.TryGetInt32(out value)
            : e.ValueKind == JsonValueKind.String && int.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryDouble(JsonElement root, string name, double fallback, out double value)
    {
        value = fallback;
        if (!root.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        return e.ValueKind == JsonValueKind.Number ? e.TryGetDouble(out value)
            : e.ValueKind == JsonValueKind.String && double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static async Task ReplyAsync(HttpContext context, Task<string?> action)
    {
        string? error = await action.ConfigureAwait(false);
        if (error is not null)
        {
            await ErrorAsync(context, StatusCodes.Status409Conflict, error).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"ok\":true}", context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"error\":\"{JsonEncodedText.Encode(message)}\"}}", context.RequestAborted).ConfigureAwait(false);
    }

    private static string PageConfig(DashboardRunRequest defaults, string title, bool authenticated)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("title", title);
            json.WriteString("version", StampedeApp.Version);
            json.WriteNumber("users", defaults.Users);
            json.WriteNumber("spawnRate", defaults.SpawnRate);
            json.WriteString("host", defaults.Host is { } host ? Security.Secrets.Redact(host) : null);
            if (defaults.RunTime is { } runTime)
            {
                json.WriteNumber("runTimeSeconds", runTime.TotalSeconds);
            }

            json.WriteBoolean("authenticated", authenticated);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
