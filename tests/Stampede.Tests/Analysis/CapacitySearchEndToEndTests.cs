using System.Collections;
using System.Text.Json;
using Spectre.Console.Testing;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Tests.Analysis;

/// <summary>A capacity search against a target whose capacity is known: workers that sleep, a bounded queue.</summary>
[Collection(nameof(TimingSensitive))]
public sealed class CapacitySearchEndToEndTests : IAsyncLifetime
{
    private readonly string _outputs = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));
    private readonly TestConsole _console = new();
    private readonly StringWriter _errors = new();
    private WorkerPoolServer _server = null!;

    public async Task InitializeAsync()
    {
        // 4 workers sleeping 100 ms: 40 requests/s. Below it a request takes 100 ms; above it the queue grows
        // by (rate − 40) a second, so p95 passes 200 ms within a 2-second judged window only past the capacity.
        _server = await WorkerPoolServer.StartAsync(workers: 4, TimeSpan.FromMilliseconds(100), maxQueue: 200);
        _console.Profile.Width = 240;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_outputs))
        {
            Directory.Delete(_outputs, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_FindCapacity_FindsTheWorkersCapacityWithinFivePercentAndNamesTheLimit()
    {
        string json = Path.Combine(_outputs, "capacity.json");

        int exit = await RunAsync(
            "--host", _server.Address, "--find-capacity", "--rate", "10", "--step-time", "3s", "--step-warmup", "1s", "--precision", "5%",
            "--slo", "p95<200ms", "--pre-allocated-users", "300", "--max-users", "400", "--headless", "--only-summary", "--json", json,
            "--metrics-url", $"pool={_server.Address}/metrics", "--watch", "concurrency=pool_workers_busy{pool=\"main\"}", "--watch", "queue=pool_queue_depth");

        exit.ShouldBe(0, _errors.ToString() + _console.Output);
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        JsonElement root = document.RootElement;
        root.GetProperty("run").GetProperty("stopReason").GetString().ShouldBe("experimentFinished");
        JsonElement capacity = root.GetProperty("analysis").GetProperty("capacity");
        string summary = capacity.GetProperty("summary").GetString()! + Environment.NewLine + string.Join(Environment.NewLine, capacity.GetProperty("steps").EnumerateArray().Select(s => s.ToString()));
        capacity.GetProperty("valid").GetBoolean().ShouldBeTrue(summary);
        capacity.GetProperty("maxRate").GetDouble().ShouldBe(_server.Capacity, tolerance: _server.Capacity * 0.05 + 1, summary);
        JsonElement[] steps = [.. capacity.GetProperty("steps").EnumerateArray()];
        steps.Select(s => s.GetProperty("rate").GetDouble()).Take(3).ShouldBe([10, 20, 40]);
        steps.ShouldContain(s => !s.GetProperty("pass").GetBoolean() && s.GetProperty("reason").GetString()!.Contains("p95<200ms"));
        capacity.GetProperty("limitedBy").GetString().ShouldBeOneOf(["queue", "concurrency"], summary);
        _console.Output.ShouldContain("Capacity search");
    }

    [Fact]
    public async Task RunAsync_FindCapacityWithoutSlo_IsAUsageError()
    {
        int exit = await RunAsync("--host", _server.Address, "--find-capacity", "--headless");

        exit.ShouldBe(2);
        _errors.ToString().ShouldContain("--find-capacity needs the SLO each step must meet");
    }

    private Task<int> RunAsync(params string[] args) =>
        StampedeApp.RunAsync(args, [typeof(PoolUser)], _console, _errors, new Hashtable(), TimeProvider.System, CancellationToken.None);

    internal sealed class PoolUser : HttpUser
    {
        [Task]
        public Task Predict() => Client.GetAsync("/predict", name: "predict");
    }
}
