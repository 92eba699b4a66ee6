using System.Collections;
using System.Text.Json;
using Spectre.Console.Testing;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Tests.Analysis;

/// <summary>
/// Spikes the load on a loopback target whose replicas rise a known time after its queue passes a level, and reads the
/// autoscaling verdict back from the exit code, the console and the JSON document.
/// </summary>
[Collection(nameof(TimingSensitive))]
public sealed class AutoscalingEndToEndTests : IAsyncLifetime
{
    // 1 worker of 100 ms (10 req/s) until 2 s after more than 2 requests wait, then 3 (30 req/s).
    private const int Level = 2;
    private const double Before = 5;
    private const double During = 20;
    private const int SpikeAt = 3;

    private readonly string _outputs = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));
    private readonly TestConsole _console = new();
    private readonly StringWriter _errors = new();
    private ScalingPoolServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ScalingPoolServer.StartAsync(min: 1, max: 3, TimeSpan.FromMilliseconds(100), Level, scaleDelay: TimeSpan.FromSeconds(2));
        _console.Profile.Width = 240;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_outputs) && Environment.GetEnvironmentVariable("STAMPEDE_KEEP_TEST_OUTPUTS") is null)
        {
            Directory.Delete(_outputs, recursive: true);
        }
    }

    /// <summary>
    /// The arithmetic, in seconds after the spike: at 20/s against 10/s the queue grows by 10/s, so it passes the level
    /// ((level + 1) / 10 s) and the pool grows 2 s later; the backlog built until then drains at 30 − 20 = 10/s.
    /// </summary>
    private (double ScaleOut, double Recovery) Truth()
    {
        double grow = During - (1 / _server.Service.TotalSeconds);
        double scaleOut = ((Level + 1) / grow) + _server.ScaleDelay.TotalSeconds;
        double drain = (3 / _server.Service.TotalSeconds) - During;
        return (scaleOut, scaleOut + (grow * scaleOut / drain));
    }

    [Fact]
    public async Task RunAsync_SpikeOnAScalingTargetWithGenerousLimits_PassesWithTheArithmeticsTimes()
    {
        string json = Path.Combine(_outputs, "scale.json");

        int exit = await RunAsync(json, "--expect-scale", "pool_replicas{pool=\"main\"}", "--max-recovery", "20s");

        exit.ShouldBe(0, _errors.ToString() + _console.Output);
        JsonElement a = await AutoscalingAsync(json);
        string reason = a.GetProperty("reason").GetString()!;
        a.GetProperty("verdict").GetString().ShouldBe("PASS", reason);
        a.GetProperty("spikeAtSecond").GetInt32().ShouldBe(SpikeAt, reason);
        (double scaleOut, double recovery) = Truth();
        a.GetProperty("scaleOutSeconds").GetDouble().ShouldBe(scaleOut, tolerance: 1, reason);
        a.GetProperty("recoverySeconds").GetDouble().ShouldBe(recovery, tolerance: 1, reason);
        a.GetProperty("replicasBefore").GetDouble().ShouldBe(1);
        a.GetProperty("replicasMax").GetDouble().ShouldBe(3);
        a.GetProperty("matchedSeries").GetString().ShouldBe("pool_replicas{pool=\"main\"}");
        a.GetProperty("source").GetString().ShouldBe("pool");
        a.GetProperty("offeredBefore").GetDouble().ShouldBe(Before);
        a.GetProperty("offeredAtSpike").GetDouble().ShouldBe(During);
        a.GetProperty("peakP95Ms").GetDouble().ShouldBeGreaterThan(1000, "the backlog waited seconds");
        a.GetProperty("errorsDuringSpike").GetInt64().ShouldBe(0);
        _console.Output.ShouldContain("Autoscaling: PASS recovered");
        _console.Output.ShouldContain("all 1 checks passed");
    }

    [Fact]
    public async Task RunAsync_SameSpikeWithMaxRecoveryOneSecond_FailsTheChecksWithExitThree()
    {
        string json = Path.Combine(_outputs, "late.json");

        int exit = await RunAsync(json, "--expect-scale", "pool_replicas{pool=\"main\"}", "--max-recovery", "1s");

        exit.ShouldBe(StampedeApp.CheckFailedExitCode, _errors.ToString() + _console.Output);
        JsonElement a = await AutoscalingAsync(json);
        a.GetProperty("verdict").GetString().ShouldBe("FAIL");
        a.GetProperty("scaleOutSeconds").GetDouble().ShouldBe(Truth().ScaleOut, tolerance: 1);
        a.GetProperty("reason").GetString()!.ShouldStartWith("recovered too late: ");
        a.GetProperty("reason").GetString()!.ShouldEndWith("s after the spike, more than --max-recovery 1 s");
        _console.Output.ShouldContain("autoscaling FAIL (recovered too late");
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        document.RootElement.GetProperty("run").GetProperty("exitCode").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task RunAsync_SeriesNoSourceExposes_FailsWithAClearVerdictAndWarnsLive()
    {
        string json = Path.Combine(_outputs, "typo.json");

        int exit = await RunAsync(json, "--expect-scale", "pool_replicaz", "--rate-stages", "2s:5,0s:20,2s:20");

        exit.ShouldBe(StampedeApp.CheckFailedExitCode, _errors.ToString() + _console.Output);
        JsonElement a = await AutoscalingAsync(json);
        a.GetProperty("verdict").GetString().ShouldBe("FAIL");
        a.GetProperty("reason").GetString()!.ShouldStartWith("no source exposes pool_replicaz (scraped: pool)");
        a.GetProperty("matchedSeries").ValueKind.ShouldBe(JsonValueKind.Null);
        _console.Output.ShouldContain("--expect-scale pool_replicaz: no source exposes pool_replicaz");
    }

    private async Task<int> RunAsync(string json, params string[] extra)
    {
        string[] stages = extra.Contains("--rate-stages") ? [] : ["--rate-stages", $"{SpikeAt}s:{Before},0s:{During},10s:{During}"];
        string[] args =
        [
            "--host", _server.Address, "--rate", Before.ToString(System.Globalization.CultureInfo.InvariantCulture), .. stages,
            "--headless", "--only-summary", "--json", json, "--metrics-url", $"pool={_server.Address}/metrics",
            "--slo", "p95<300ms", "--stable-for", "3s", .. extra,
        ];
        return await StampedeApp.RunAsync(args, [typeof(PoolUser)], _console, _errors, new Hashtable(), TimeProvider.System, CancellationToken.None);
    }

    private static async Task<JsonElement> AutoscalingAsync(string json)
    {
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return document.RootElement.GetProperty("analysis").GetProperty("autoscaling").Clone();
    }

    internal sealed class PoolUser : HttpUser
    {
        [Task]
        public Task Predict() => Client.GetAsync("/predict", name: "predict");
    }
}
