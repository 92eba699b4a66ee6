using System.Collections;
using System.Text.Json;
using Spectre.Console.Testing;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Tests.Analysis;

/// <summary>A stress test against a target with a known limit: past 40 requests/s its short queue fills and it answers 503.</summary>
[Collection(nameof(TimingSensitive))]
public sealed class StressEndToEndTests : IAsyncLifetime
{
    private readonly TestConsole _console = new();
    private readonly StringWriter _errors = new();
    private readonly string _json = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"), "stress.json");
    private WorkerPoolServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await WorkerPoolServer.StartAsync(workers: 4, TimeSpan.FromMilliseconds(100), maxQueue: 8);
        _console.Profile.Width = 240;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Path.GetDirectoryName(_json) is { } dir && Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_Stress_BreaksPastCapacityWith5xxAndRecoversAtHalfTheRate()
    {
        int exit = await StampedeApp.RunAsync(
            ["--host", _server.Address, "--stress", "--rate", "20", "--step", "20", "--step-time", "3s", "--recovery-time", "6s", "--pre-allocated-users", "100", "--headless", "--only-summary", "--json", _json],
            [typeof(CapacitySearchEndToEndTests.PoolUser)],
            _console,
            _errors,
            new Hashtable(),
            TimeProvider.System,
            CancellationToken.None);

        exit.ShouldBe(0, _errors.ToString() + _console.Output);
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(_json));
        JsonElement stress = document.RootElement.GetProperty("analysis").GetProperty("breakingPoint");
        string summary = stress.GetProperty("summary").GetString()!;
        stress.GetProperty("rate").GetDouble().ShouldBe(40, summary);
        stress.GetProperty("brokeAtRate").GetDouble().ShouldBe(60, summary);
        stress.GetProperty("failureMode").GetString().ShouldBe("http-5xx", summary);
        stress.GetProperty("failureCounts").GetProperty("http-5xx").GetInt64().ShouldBeGreaterThan(0);
        stress.GetProperty("recovered").GetBoolean().ShouldBeTrue(summary);
        stress.GetProperty("recoveryRate").GetDouble().ShouldBe(30);
        _console.Output.ShouldContain("Stress test");
    }
}
