using System.Collections;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console.Testing;

namespace Stampede.Tests.Reliability;

/// <summary>
/// <c>--history-in-memory</c>: a run that keeps only its last seconds in memory still writes every second, histogram
/// and all, to its outputs, and says how many seconds it kept on disk.
/// </summary>
public sealed class HistoryOnDiskTests : IAsyncLifetime
{
    private readonly string _outputs = Path.Combine(Path.GetTempPath(), "stampede-history-tests", Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;
    private string _address = string.Empty;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_outputs);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(context => context.Response.WriteAsync("{\"label\":\"tabby cat\"}"));
        await _app.StartAsync();
        _address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_outputs, recursive: true);
    }

    [Fact]
    public async Task RunAsync_TwoSecondsInMemory_EverySecondIsInTheJsonCsvAndHtml()
    {
        var console = new TestConsole();
        console.Profile.Width = 240;
        var errors = new StringWriter();
        string json = Path.Combine(_outputs, "run.json");
        string html = Path.Combine(_outputs, "report.html");
        string csv = Path.Combine(_outputs, "run");
        string[] args =
        [
            "--host", _address, "-u", "4", "-r", "4", "-t", "6s", "--headless", "--only-summary",
            "--history-in-memory", "2s", "--json", json, "--html", html, "--csv", csv, "--slo", "p95<5s",
        ];

        int exit = await StampedeApp.RunAsync(args, [typeof(QuickUser)], console, errors, new Hashtable(), TimeProvider.System, CancellationToken.None);

        string output = errors + console.Output;
        exit.ShouldBe(0, output);
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        JsonElement root = document.RootElement;
        JsonElement[] history = [.. root.GetProperty("history").EnumerateArray()];
        history.Length.ShouldBeGreaterThanOrEqualTo(6, output);
        history.Select(h => h.GetProperty("second").GetInt64()).ShouldBe(Enumerable.Range(0, history.Length).Select(i => (long)i));
        history.Sum(h => h.GetProperty("aggregated").GetProperty("requests").GetInt64())
            .ShouldBe(root.GetProperty("aggregated").GetProperty("requests").GetInt64());
        foreach (JsonElement second in history.Where(h => h.GetProperty("aggregated").GetProperty("requests").GetInt64() > 0))
        {
            second.GetProperty("aggregated").GetProperty("histogram").GetString().ShouldNotBeNullOrEmpty();
        }

        JsonElement generator = root.GetProperty("generator");
        generator.GetProperty("historySecondsOnDisk").GetInt32().ShouldBe(history.Length - 2, "all but the last 2 s moved to disk");
        generator.GetProperty("historyBytesOnDisk").GetInt64().ShouldBeGreaterThan(0);
        root.GetProperty("run").GetProperty("settings").GetProperty("historyInMemorySeconds").GetDouble().ShouldBe(2);
        root.TryGetProperty("warnings", out _).ShouldBeFalse(output);

        // The CSV history and the SLO (judged on every second's histogram) saw the seconds on disk too.
        string[] csvHistory = await File.ReadAllLinesAsync(csv + "_stats_history.csv");
        csvHistory.Length.ShouldBe(history.Length + 1, "a header and a line a second");
        output.ShouldContain("p95<5s");
        (await File.ReadAllTextAsync(html)).ShouldContain("<html");
    }

    internal sealed class QuickUser : HttpUser
    {
        public override WaitTime WaitTime => WaitTime.Constant(0.05);

        [Task]
        public Task Predict() => Client.GetAsync("/predict", name: "predict");
    }
}
