using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Tests.Web;

/// <summary>The dashboard's end state shows the run's headline, the one its HTML report and the app's console show.</summary>
public sealed partial class DashboardHeadlineTests : IAsyncLifetime
{
    private LoopbackServer _target = null!;

    public async Task InitializeAsync() => _target = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _target.DisposeAsync();

    [Fact]
    public async Task StoppedRun_HeadlineMatchesTheReportAndTheConsole()
    {
        await using DashboardHost host = await DashboardHost.StartAsync(
            ["--host", _target.Address, "--slo", "p95<10s", "--slo", "rps>=100000 abort"], typeof(DashboardBrowserTests.DashUser));
        using var client = new HttpClient { BaseAddress = host.Address };

        (await client.PostAsync("api/start", new StringContent("{\"users\":2,\"spawnRate\":20}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => State(client).Result.GetProperty("state").GetString() == "stopped", "the abort threshold stops the run", timeoutMs: 20_000);

        string headline = (await State(client)).GetProperty("headline").GetString()!;
        headline.ShouldStartWith("FAILED 1 of 2 checks · ");
        string page = await client.GetStringAsync("download/html");
        WebUtility.HtmlDecode(HeadlineElement().Match(page).Groups[1].Value).ShouldBe(headline);
        (await host.StopAsync()).ShouldBe(3);
        host.Console.Output.Split('\n').Select(l => l.TrimEnd()).ShouldContain(headline);
    }

    private static async Task<JsonElement> State(HttpClient client)
    {
        using JsonDocument document = JsonDocument.Parse(await client.GetStringAsync("api/state"));
        return document.RootElement.Clone();
    }

    [GeneratedRegex("<p id=\"headline\" class=\"verdict headline [a-z]+\"><strong>(.*?)</strong></p>")]
    private static partial Regex HeadlineElement();
}
