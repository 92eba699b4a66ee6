using System.Collections;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Spectre.Console.Testing;
using Stampede.Core.Tests.Infrastructure;
using Stampede.Web;

namespace Stampede.Tests.Web;

/// <summary>The dashboard over plain HTTP: who may use it, what the control endpoints do, and what the event stream sends.</summary>
public sealed class DashboardServerTests : IAsyncLifetime
{
    private LoopbackServer _target = null!;

    public async Task InitializeAsync() => _target = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _target.DisposeAsync();

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("*")]
    [InlineData("::")]
    [InlineData("192.168.1.10")]
    public async Task RunAsync_NonLoopbackHostWithoutAuth_RefusesToStartWithExitTwo(string webHost)
    {
        var console = new TestConsole();
        var errors = new StringWriter();

        int exit = await StampedeApp.RunAsync(
            ["--host", _target.Address, "--web-host", webHost, "--web-port", "0"],
            [typeof(DashboardBrowserTests.DashUser)], console, errors, new Hashtable(), TimeProvider.System, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20));

        exit.ShouldBe(2);
        errors.ToString().ShouldContain($"--web-host {webHost}");
        errors.ToString().ShouldContain("--web-auth");
        console.Output.ShouldNotContain("web dashboard at");
    }

    [Theory]
    [InlineData("--web-auth", "nopassword", "--web-auth: give user:password")]
    [InlineData("--web-host", "example.com", "--web-host: 'example.com' is not valid")]
    public async Task RunAsync_BadWebFlag_ExitsTwoNamingTheFlag(string flag, string value, string expected)
    {
        var errors = new StringWriter();

        int exit = await StampedeApp.RunAsync(
            ["--host", _target.Address, flag, value, "--web-port", "0"],
            [typeof(DashboardBrowserTests.DashUser)], new TestConsole(), errors, new Hashtable(), TimeProvider.System, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20));

        exit.ShouldBe(2);
        errors.ToString().ShouldContain(expected);
    }

    [Fact]
    public async Task AnyAddressWithAuth_RequestWithoutOrWithWrongCredentials_Gets401()
    {
        // Bound to every interface (as --web-host 0.0.0.0 would be in production); the test itself only talks to 127.0.0.1.
        await using DashboardHost host = await DashboardHost.StartAsync(["--host", _target.Address, "--web-host", "0.0.0.0", "--web-auth", "ops:s3cret"], typeof(DashboardBrowserTests.DashUser));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.Address.Port}/") };

        foreach (string path in (string[])["/", "/events", "/api/state", "/download/csv"])
        {
            using HttpResponseMessage anonymous = await client.GetAsync(path);
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            anonymous.Headers.WwwAuthenticate.ToString().ShouldContain("Basic");
        }

        using HttpResponseMessage start = await client.PostAsync("/api/start", Json("{\"users\":1}"));
        start.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Authorization = Basic("ops:guess") } };
        (await client.SendAsync(wrong)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Authorization = Basic("ops:s3cret") } };
        using HttpResponseMessage page = await client.SendAsync(right);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("id=\"start-form\"");
        _target.Requests.ShouldBe(0, "no run was started by the refused POST");
    }

    [Fact]
    public async Task Loopback_ControlEndpoints_StartChangeUsersAndStopARun()
    {
        await using DashboardHost host = await DashboardHost.StartAsync(["--host", _target.Address], typeof(DashboardBrowserTests.DashUser));
        using var client = new HttpClient { BaseAddress = host.Address };

        (await client.PostAsync("api/start", Json("{\"users\":2,\"spawnRate\":20}"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        using HttpResponseMessage again = await client.PostAsync("api/start", Json("{\"users\":2}"));
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).ShouldContain("already going");
        await Eventually.TrueAsync(() => State(client).Result.GetProperty("users").GetInt32() == 2, "two users run");

        (await client.PostAsync("api/users", Json("{\"users\":4,\"spawnRate\":20}"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.TrueAsync(() => State(client).Result.GetProperty("users").GetInt32() == 4, "four users run after the change");
        await Eventually.TrueAsync(() => _target.Requests >= 20, "requests reach the target");

        (await client.PostAsync("api/stop", Json("{}"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonElement stopped = await State(client);
        stopped.GetProperty("state").GetString().ShouldBe("stopped");
        stopped.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ShouldContain("ok");

        using HttpResponseMessage json = await client.GetAsync("download/json");
        json.StatusCode.ShouldBe(HttpStatusCode.OK);
        json.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        using JsonDocument document = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        document.RootElement.GetProperty("aggregated").GetProperty("requests").GetInt64().ShouldBeGreaterThanOrEqualTo(20);
        using HttpResponseMessage html = await client.GetAsync("download/html");
        (await html.Content.ReadAsStringAsync()).ShouldContain("<html");

        (await host.StopAsync()).ShouldBe(1, "the last run had failed requests (the /status?code=500 task)");
        host.Console.Output.ShouldContain("Response time percentiles");
    }

    [Fact]
    public async Task Reset_WhileRunning_StartsTheCountsAgainWithTheUsersBackAtOnce()
    {
        await using DashboardHost host = await DashboardHost.StartAsync(["--host", _target.Address], typeof(DashboardBrowserTests.DashUser));
        using var client = new HttpClient { BaseAddress = host.Address };
        (await client.PostAsync("api/start", Json("{\"users\":4,\"spawnRate\":20}"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.TrueAsync(() => State(client).Result.GetProperty("users").GetInt32() == 4, "four users run");

        // A slow spawn rate from now on: after the reset, users that came back at that rate would take 12 s.
        (await client.PostAsync("api/users", Json("{\"users\":4,\"spawnRate\":0.25}"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.TrueAsync(() => AggregatedRequests(State(client).Result) >= 30, "requests are counted", timeoutMs: 20_000);
        long before = AggregatedRequests(await State(client));
        int runBefore = (await State(client)).GetProperty("runId").GetInt32();

        (await client.PostAsync("api/reset", Json("{}"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        JsonElement reset = await State(client);
        reset.GetProperty("runId").GetInt32().ShouldBe(runBefore + 1);
        reset.GetProperty("state").GetString().ShouldBe("running");
        AggregatedRequests(reset).ShouldBeLessThan(before, "the counts start again");
        await Eventually.TrueAsync(() => State(client).Result.GetProperty("users").GetInt32() == 4, "the four users are back within a few seconds, not at 0.25/s", timeoutMs: 6_000);
        JsonElement later = await State(client);
        later.GetProperty("spawnRate").GetDouble().ShouldBe(0.25, "the spawn rate for later changes is kept");
    }

    [Fact]
    public async Task Autostart_StartsARunWithTheCommandLineSettings()
    {
        await using DashboardHost host = await DashboardHost.StartAsync(["--host", _target.Address, "-u", "3", "-r", "30", "--autostart"], typeof(DashboardBrowserTests.DashUser));
        using var client = new HttpClient { BaseAddress = host.Address };

        await Eventually.TrueAsync(() => State(client).Result.GetProperty("users").GetInt32() == 3, "three users run without any POST");
        (await State(client)).GetProperty("state").GetString().ShouldBe("running");
        await Eventually.TrueAsync(() => _target.Requests > 0, "the autostarted run reaches the target");
    }

    [Fact]
    public async Task Loopback_ForgedRequests_AreRefused()
    {
        await using DashboardHost host = await DashboardHost.StartAsync(["--host", _target.Address], typeof(DashboardBrowserTests.DashUser));
        using var client = new HttpClient { BaseAddress = host.Address };

        using var crossOrigin = new HttpRequestMessage(HttpMethod.Post, "api/start") { Content = Json("{\"users\":1}") };
        crossOrigin.Headers.Add("Origin", "http://evil.example");
        (await client.SendAsync(crossOrigin)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "api/start") { Content = Json("{\"users\":1}") };
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        (await client.SendAsync(crossSite)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var form = new HttpRequestMessage(HttpMethod.Post, "api/start") { Content = new StringContent("users=1", Encoding.UTF8, "application/x-www-form-urlencoded") };
        (await client.SendAsync(form)).StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);

        using var rebound = new HttpRequestMessage(HttpMethod.Get, "api/state");
        rebound.Headers.Host = "attacker.example";
        (await client.SendAsync(rebound)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await client.GetAsync("api/start")).StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        (await client.GetAsync("download/csv")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "no run has finished yet");
        await Task.Delay(200);
        _target.Requests.ShouldBe(0, "no forged request started a run");
        (await State(client)).GetProperty("state").GetString().ShouldBe("ready");
    }

    [Fact]
    public async Task Events_StreamSendsTheStateAtOnceAndSnapshotsWhileRunning()
    {
        await using DashboardHost host = await DashboardHost.StartAsync(["--host", _target.Address], typeof(DashboardBrowserTests.DashUser));
        using var client = new HttpClient { BaseAddress = host.Address };
        using HttpResponseMessage response = await client.GetAsync("events", HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        JsonElement first = await NextEventAsync(reader);
        first.GetProperty("state").GetString().ShouldBe("ready");
        (await client.PostAsync("api/start", Json("{\"users\":2,\"spawnRate\":20}"))).EnsureSuccessStatusCode();

        int points = 0;
        for (int i = 0; i < 20 && points < 2; i++)
        {
            JsonElement e = await NextEventAsync(reader);
            if (e.TryGetProperty("points", out JsonElement p))
            {
                points += p.GetProperty("time").GetArrayLength();
                p.GetProperty("rps").GetArrayLength().ShouldBe(p.GetProperty("time").GetArrayLength());
            }
        }

        points.ShouldBeGreaterThanOrEqualTo(2, "a chart point arrives with every one-second snapshot");
        await client.PostAsync("api/stop", Json("{}"));
    }

    [Fact]
    public async Task Events_WithThresholds_ListThemBeforeTheRunAndCarryTheirVerdictsWhileRunning()
    {
        await using DashboardHost host = await DashboardHost.StartAsync(
            ["--host", _target.Address, "--slo", "p95<10s", "--slo", "rps>=100000"], typeof(DashboardBrowserTests.DashUser));
        using var client = new HttpClient { BaseAddress = host.Address };
        using HttpResponseMessage response = await client.GetAsync("events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // Before any run: both thresholds are listed, unmeasured, so the page can show them.
        JsonElement first = await NextEventAsync(reader);
        first.GetProperty("state").GetString().ShouldBe("ready");
        JsonElement[] listed = [.. first.GetProperty("thresholds").EnumerateArray()];
        listed.Select(t => t.GetProperty("expression").GetString()).ShouldBe(["p95<10s", "rps>=100000"]);
        listed.ShouldAllBe(t => t.GetProperty("result").GetString() == "noData" && t.GetProperty("measured").ValueKind == JsonValueKind.Null);
        (await client.PostAsync("api/start", Json("{\"users\":2,\"spawnRate\":20}"))).EnsureSuccessStatusCode();

        JsonElement[]? live = null;
        for (int i = 0; i < 20 && live is null; i++)
        {
            JsonElement e = await NextEventAsync(reader);
            if (e.GetProperty("state").GetString() == "running" && e.TryGetProperty("rows", out _)
                && e.GetProperty("thresholds").EnumerateArray().All(t => t.GetProperty("result").GetString() != "noData"))
            {
                e.GetProperty("thresholdsFinal").GetBoolean().ShouldBeFalse();
                live = [.. e.GetProperty("thresholds").EnumerateArray()];
            }
        }

        live.ShouldNotBeNull("a snapshot event while running carries the thresholds measured on it");
        live[0].GetProperty("result").GetString().ShouldBe("pass");
        live[0].GetProperty("unit").GetString().ShouldBe("ms");
        live[0].GetProperty("limit").GetDouble().ShouldBe(10_000);
        live[0].GetProperty("measured").GetDouble().ShouldBeInRange(0, 10_000);
        live[1].GetProperty("result").GetString().ShouldBe("fail");
        live[1].GetProperty("unit").GetString().ShouldBe("requests/s");
        live[1].GetProperty("limit").GetDouble().ShouldBe(100_000);
        live[1].GetProperty("measured").GetDouble().ShouldBeGreaterThan(0);

        (await client.PostAsync("api/stop", Json("{}"))).EnsureSuccessStatusCode();
        JsonElement stopped = await State(client);
        stopped.GetProperty("state").GetString().ShouldBe("stopped");
        stopped.GetProperty("stopReason").GetString().ShouldBe("Interrupted");
        stopped.GetProperty("thresholdsFinal").GetBoolean().ShouldBeTrue("the stopped run's own end-of-run evaluation");
        stopped.GetProperty("thresholds").EnumerateArray().Select(t => t.GetProperty("result").GetString()).ShouldBe(["pass", "fail"]);
        stopped.TryGetProperty("abortedBy", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task AbortThreshold_FailingInADashboardRun_StopsItAndSaysWhich()
    {
        await using DashboardHost host = await DashboardHost.StartAsync(
            ["--host", _target.Address, "--slo", "p95<10s", "--slo", "rps>=100000 abort"], typeof(DashboardBrowserTests.DashUser));
        using var client = new HttpClient { BaseAddress = host.Address };

        (await client.PostAsync("api/start", Json("{\"users\":2,\"spawnRate\":20}"))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => State(client).Result.GetProperty("state").GetString() == "stopped", "the abort threshold stops the run without a POST", timeoutMs: 20_000);

        JsonElement stopped = await State(client);
        stopped.GetProperty("stopReason").GetString().ShouldBe("ThresholdAborted");
        stopped.GetProperty("thresholdsFinal").GetBoolean().ShouldBeTrue();
        JsonElement[] thresholds = [.. stopped.GetProperty("thresholds").EnumerateArray()];
        thresholds[0].GetProperty("abortedRun").GetBoolean().ShouldBeFalse();
        thresholds[1].GetProperty("result").GetString().ShouldBe("fail");
        thresholds[1].GetProperty("abort").GetBoolean().ShouldBeTrue();
        thresholds[1].GetProperty("abortedRun").GetBoolean().ShouldBeTrue();
        JsonElement aborted = stopped.GetProperty("abortedBy").EnumerateArray().ShouldHaveSingleItem();
        aborted.GetProperty("expression").GetString().ShouldBe("rps>=100000 abort");
        aborted.GetProperty("measured").GetDouble().ShouldBeGreaterThan(0);

        // The run's outputs and the app's exit code carry the verdicts, as a headless run's do.
        using JsonDocument document = JsonDocument.Parse(await client.GetStringAsync("download/json"));
        document.RootElement.GetProperty("run").GetProperty("exitCode").GetInt32().ShouldBe(3);
        document.RootElement.GetProperty("thresholds").EnumerateArray().Select(t => t.GetProperty("result").GetString()).ShouldBe(["pass", "fail"]);
        int exit = await host.StopAsync();
        exit.ShouldBe(3, host.Errors.ToString() + host.Console.Output);
        host.Console.Output.ShouldContain("FAILED 1 of 2 checks: rps>=100000 abort");
    }

    private static async Task<JsonElement> NextEventAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line[6..]).RootElement.Clone();
            }
        }

        throw new EndOfStreamException("The event stream ended.");
    }

    private static async Task<JsonElement> State(HttpClient client)
    {
        using JsonDocument document = JsonDocument.Parse(await client.GetStringAsync("api/state"));
        return document.RootElement.Clone();
    }

    private static long AggregatedRequests(JsonElement state) =>
        state.TryGetProperty("rows", out JsonElement rows)
            ? rows.EnumerateArray().Where(r => r.GetProperty("name").GetString() == "Aggregated").Select(r => r.GetProperty("requests").GetInt64()).FirstOrDefault()
            : 0;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static AuthenticationHeaderValue Basic(string pair) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
}
