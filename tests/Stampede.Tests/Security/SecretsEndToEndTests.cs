using System.Collections;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Spectre.Console.Testing;
using Stampede.Core.Tests.Infrastructure;
using Stampede.Tests.Web;
using Xunit.Abstractions;

namespace Stampede.Tests.Security;

/// <summary>
/// A run that uses every kind of secret — credentials in the host and metrics URLs, secret query parameters, the
/// Authorization, Proxy-Authorization, Cookie, X-Api-Key and api-key headers, --web-auth, an API key in the environment —
/// against a server that echoes the headers into its error bodies and a task that throws with a token in its message.
/// No output of the run may contain any of them.
/// </summary>
public sealed class SecretsEndToEndTests : IAsyncLifetime
{
    private static readonly SecretSet S = new();

    private readonly string _outputs = Path.Combine(Path.GetTempPath(), "stampede-secrets-tests", Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _log;
    private LoopbackServer _server = null!;
    private int _basicFromHost;
    private int _basicFromMetricsUrl;

    public SecretsEndToEndTests(ITestOutputHelper log)
    {
        _log = log;
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_outputs);
        string hostBasic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("tester:" + S.HostPassword));
        string metricsBasic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("prom:" + S.MetricsPassword));
        _server = await LoopbackServer.StartAsync(async context =>
        {
            string authorization = context.Request.Headers.Authorization.ToString();
            switch (context.Request.Path.Value)
            {
                case "/ok":
                    Interlocked.Increment(ref _basicFromHost);
                    context.Response.StatusCode = authorization == hostBasic ? 200 : 401;
                    await context.Response.WriteAsync("{}");
                    return true;
                case "/echo":
                    context.Response.StatusCode = 500;
                    await context.Response.WriteAsync(string.Join('\n', context.Request.Headers.Select(h => $"{h.Key}: {h.Value}")));
                    return true;
                case "/metrics":
                    if (authorization != metricsBasic)
                    {
                        context.Response.StatusCode = 401;
                        return true;
                    }

                    Interlocked.Increment(ref _basicFromMetricsUrl);
                    context.Response.ContentType = "text/plain; version=0.0.4";
                    await context.Response.WriteAsync("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1.5\n");
                    return true;
                default:
                    return false;
            }
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_outputs, recursive: true);
    }

    [Fact]
    public async Task RunAsync_EveryKindOfSecret_ReachesNoOutput()
    {
        var console = new TestConsole();
        console.Profile.Width = 240;
        var errors = new StringWriter();
        var environment = new Hashtable { ["OPENAI_API_KEY"] = S.EnvironmentKey };
        string[] args =
        [
            "--host", SecretHost(), "-u", "4", "-r", "4", "-t", "3s", "--headless", "--seed", "3",
            "--metrics-url", $"http://prom:{S.MetricsPassword}@{Authority()}/metrics?token={S.MetricsToken}", "--metrics-interval", "1s",
            "--json", Path.Combine(_outputs, "run.json"), "--html", Path.Combine(_outputs, "report.html"),
            "--csv", Path.Combine(_outputs, "run"), "--csv-full-history", "--junit", Path.Combine(_outputs, "junit.xml"),
            "--slo", "p95<5s",
        ];

        int exit = await StampedeApp.RunAsync(args, [typeof(SecretUser)], console, errors, environment, TimeProvider.System, CancellationToken.None);

        string output = errors + console.Output;
        _log.WriteLine(output);
        exit.ShouldBeOneOf([0, 1], output);
        Volatile.Read(ref _basicFromHost).ShouldBeGreaterThan(0, "the query task ran");
        Volatile.Read(ref _basicFromMetricsUrl).ShouldBeGreaterThan(0, "the metrics URL's user info is sent as Basic authentication");
        string json = await File.ReadAllTextAsync(Path.Combine(_outputs, "run.json"));
        json.ShouldContain("token=***", customMessage: "the query row is named with its token hidden");
        json.ShouldContain("***@127.0.0.1", customMessage: "the host is recorded without its password");
        AssertNoSecret("console", output);
        foreach (string file in Directory.EnumerateFiles(_outputs, "*", SearchOption.AllDirectories))
        {
            AssertNoSecret(Path.GetFileName(file), await File.ReadAllTextAsync(file));
        }

        // The /ok row is one row however its secret parameters vary, and the host's credentials reached the server.
        using JsonDocument document = JsonDocument.Parse(json);
        string[] rows = [.. document.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("name").GetString()!)];
        rows.ShouldContain($"/ok?token=***&key=***&api_key=***&signature=***&size=small");
        document.RootElement.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("name").GetString()!.StartsWith("/ok", StringComparison.Ordinal))
            .GetProperty("failures").GetInt64().ShouldBe(0, "every /ok request carried the host's Basic credentials");
    }

    [Fact]
    public async Task Dashboard_EveryKindOfSecret_ReachesNoPageOrDownload()
    {
        await using DashboardHost host = await DashboardHost.StartAsync(
            ["--host", SecretHost(), "-u", "3", "-r", "3", "-t", "2s", "--autostart", "--web-auth", $"admin:{S.WebPassword}"],
            typeof(SecretUser));
        using var client = new HttpClient { BaseAddress = host.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + S.WebPassword)));

        await Eventually.TrueAsync(() => Finished(client), "the autostarted run finishes", timeoutMs: 30_000);

        foreach (string path in new[] { "/", "api/state", "download/csv", "download/csv/failures", "download/json", "download/html" })
        {
            using HttpResponseMessage response = await client.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            AssertNoSecret(path, await response.Content.ReadAsStringAsync());
        }

        (await client.GetStringAsync("api/state")).ShouldContain("***@127.0.0.1");
        await host.StopAsync();
        AssertNoSecret("console", host.Errors + host.Console.Output);
    }

    private static bool Finished(HttpClient client)
    {
        using HttpResponseMessage response = client.GetAsync("download/json").GetAwaiter().GetResult();
        return response.StatusCode == HttpStatusCode.OK;
    }

    private string SecretHost() => $"http://tester:{S.HostPassword}@{Authority()}";

    private string Authority() => new Uri(_server.Address).Authority;

    private static void AssertNoSecret(string where, string text)
    {
        foreach ((string kind, string value) in S.All)
        {
            text.ShouldNotContain(value, Case.Sensitive, $"{where} holds the {kind}");
        }
    }

    /// <summary>One random value for each kind of secret, distinct from every other text.</summary>
    private sealed class SecretSet
    {
        public string HostPassword { get; } = New("hostpw");

        public string MetricsPassword { get; } = New("metricspw");

        public string MetricsToken { get; } = New("metricstok");

        public string Token { get; } = New("tok");

        public string Key { get; } = New("key");

        public string ApiKeyParameter { get; } = New("apikeyq");

        public string Signature { get; } = New("sig");

        public string Bearer { get; } = New("bearer");

        public string Proxy { get; } = New("proxy");

        public string Cookie { get; } = New("cookie");

        public string XApiKey { get; } = New("xapikey");

        public string ApiKeyHeader { get; } = New("apikeyh");

        public string WebPassword { get; } = New("webpw");

        public string EnvironmentKey { get; } = New("envkey");

        public IEnumerable<(string Kind, string Value)> All =>
        [
            ("host password", HostPassword), ("metrics URL password", MetricsPassword), ("metrics URL token", MetricsToken),
            ("token parameter", Token), ("key parameter", Key), ("api_key parameter", ApiKeyParameter), ("signature parameter", Signature),
            ("bearer token", Bearer), ("proxy credentials", Proxy), ("cookie", Cookie), ("X-Api-Key", XApiKey), ("api-key header", ApiKeyHeader),
            ("--web-auth password", WebPassword), ("environment API key", EnvironmentKey),
        ];

        private static string New(string kind) => $"{kind}{Guid.NewGuid():N}"[..24];
    }

    internal sealed class SecretUser : HttpUser
    {
        public override WaitTime WaitTime => WaitTime.Constant(0.1);

        public override Task OnStartAsync()
        {
            Client.DefaultRequestHeaders.TryAddWithoutValidation("Proxy-Authorization", "Basic " + S.Proxy);
            Client.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", "session=" + S.Cookie);
            Client.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", S.XApiKey);
            Client.DefaultRequestHeaders.TryAddWithoutValidation("api-key", S.ApiKeyHeader);
            return Task.CompletedTask;
        }

        [Task(3)]
        public Task Query() => Client.GetAsync($"/ok?token={S.Token}&key={S.Key}&api_key={S.ApiKeyParameter}&signature={S.Signature}&size=small");

        [Task(2)]
        public Task Echo()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/echo");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", S.Bearer);
            return Client.SendAsync(request, check: r => r.Failure($"the server answered {r.StatusCode}: {r.Text}"));
        }

        [Task(1)]
        public Task Throws() => throw new InvalidOperationException($"login refused for Bearer {S.Bearer} (cookie {S.Cookie}) at http://tester:{S.HostPassword}@127.0.0.1/");
    }
}
