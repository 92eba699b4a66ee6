using System.Collections;
using System.Text.Json;
using Spectre.Console.Testing;
using Stampede.Load;
using Stampede.Monitoring;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Tests.Analysis;

/// <summary>Runs against targets with a known limit and reads the bottleneck back from the JSON document.</summary>
[Collection(nameof(TimingSensitive))]
public sealed class BottleneckEndToEndTests : IAsyncLifetime
{
    private readonly string _outputs = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));
    private readonly TestConsole _console = new();
    private readonly StringWriter _errors = new();
    private WorkerPoolServer _server = null!;

    public async Task InitializeAsync()
    {
        // 4 workers sleeping 100 ms: 40 requests/s whatever the CPU.
        _server = await WorkerPoolServer.StartAsync(workers: 4, TimeSpan.FromMilliseconds(100), maxQueue: 30);
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

    [Fact]
    public async Task RunAsync_SleepingWorkersRampedPastCapacity_NamesTheQueueWithCpuIdleAndFindsTheCapacity()
    {
        string json = Path.Combine(_outputs, "pool.json");

        int exit = await RunAsync(
            "--host", _server.Address, "-u", "70", "-r", "5", "-t", "20s", "--headless", "--only-summary", "--json", json,
            "--metrics-url", $"pool={_server.Address}/metrics", "--watch", "queue=pool_queue_depth", "--watch", "concurrency=pool_workers_busy{pool=\"main\"}",
            "--exit-code-on-error", "0");

        exit.ShouldBe(0, _errors.ToString() + _console.Output);
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        JsonElement bottleneck = document.RootElement.GetProperty("analysis").GetProperty("bottleneck");
        string resource = bottleneck.GetProperty("resource").GetString()!;
        resource.ShouldBeOneOf(["queue", "concurrency"], bottleneck.GetProperty("summary").GetString());
        bottleneck.GetProperty("throughputAtKnee").GetDouble().ShouldBe(_server.Capacity, tolerance: _server.Capacity * 0.10, bottleneck.GetProperty("summary").GetString());
        JsonElement[] evidence = [.. bottleneck.GetProperty("evidence").EnumerateArray()];
        evidence.Where(e => e.GetProperty("resource").GetString() == "cpu").ShouldAllBe(e => e.GetProperty("state").GetString() != "saturated");
        evidence.ShouldContain(e => e.GetProperty("resource").GetString() == "concurrency" && e.GetProperty("state").GetString() == "saturated");

        JsonElement target = document.RootElement.GetProperty("target");
        JsonElement source = target.GetProperty("sources").EnumerateArray().First(s => s.GetProperty("name").GetString() == "pool");
        source.GetProperty("failures").GetInt64().ShouldBe(0);
        source.GetProperty("scrapes").GetInt64().ShouldBeGreaterThan(15);
        JsonElement queue = target.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "pool_queue_depth");
        queue.GetProperty("resource").GetString().ShouldBe("queue");
        ((double)queue.GetProperty("values").GetArrayLength()).ShouldBe(document.RootElement.GetProperty("history").GetArrayLength(), tolerance: 2);
        _console.Output.ShouldContain("Bottleneck:");
        _console.Output.ShouldContain("Target sources");
    }

    [Fact]
    public async Task RunAsync_KneeWithNothingWatched_IsUnknownNamingWhatToAdd()
    {
        string json = Path.Combine(_outputs, "blind.json");

        int exit = await RunAsync("--host", _server.Address, "-u", "64", "-r", "6", "-t", "14s", "--headless", "--only-summary", "--json", json, "--exit-code-on-error", "0");

        exit.ShouldBe(0, _errors.ToString() + _console.Output);
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        JsonElement bottleneck = document.RootElement.GetProperty("analysis").GetProperty("bottleneck");
        bottleneck.GetProperty("resource").GetString().ShouldBe("unknown", bottleneck.GetProperty("summary").GetString());
        bottleneck.GetProperty("notWatched").EnumerateArray().Select(e => e.GetString()).ShouldContain("cpu");
        bottleneck.GetProperty("advice").EnumerateArray().ShouldContain(a => a.GetString()!.Contains("--metrics-url"));
        document.RootElement.TryGetProperty("target", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_GeneratorBurnsItsOwnCpu_NamesTheGenerator()
    {
        // The CPU bound is lowered so that the generator is bound however busy the machine is: what is tested is
        // that a bound generator is named, not how hard this machine can spin.
        var options = new LoadTestOptions
        {
            Host = _server.Address,
            Users = Environment.ProcessorCount * 2,
            SpawnRate = 100,
            RunTime = TimeSpan.FromSeconds(6),
            CpuWarningThresholdPercent = 15,
            MetricsEndpoints = [new MetricsEndpoint("pool", new Uri(_server.Address + "/metrics"))],
        };
        using var test = new LoadTest(options, [typeof(SpinningUser)]);

        RunResult result = await test.RunAsync();

        result.Bottleneck.ShouldNotBeNull();
        result.Bottleneck.Resource.ShouldBe("generator", result.Bottleneck.Summary);
        result.Bottleneck.Evidence[0].Resource.ShouldBe("generator");
        result.Validity.IsValid.ShouldBeFalse();
    }

    private Task<int> RunAsync(params string[] args) =>
        StampedeApp.RunAsync(args, [typeof(PoolUser)], _console, _errors, new Hashtable(), TimeProvider.System, CancellationToken.None);

    /// <summary>About one request per second per user (closed model: 70 users offer ~60 req/s at light load).</summary>
    internal sealed class PoolUser : HttpUser
    {
        public override WaitTime WaitTime => WaitTime.Constant(1);

        [Task]
        public Task Predict() => Client.GetAsync("/predict", name: "predict");
    }

    /// <summary>A user whose task burns generator CPU before each request: the generator, not the target, is the limit.</summary>
    internal sealed class SpinningUser : HttpUser
    {
        [Task]
        public Task Predict()
        {
            long until = System.Diagnostics.Stopwatch.GetTimestamp() + (System.Diagnostics.Stopwatch.Frequency / 5);
            double x = 1;
            while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
            {
                x = Math.Sqrt(x + 1);
            }

            return Client.GetAsync(x > 0 ? "/predict" : "/", name: "predict");
        }
    }
}
