using System.Text.Json;
using Stampede.Tool.Commands;
using Stampede.Tool.Tests.Infrastructure;

namespace Stampede.Tool.Tests.Commands;

// Alone, after the parallel tests: with the starter files' runs beside it the server got half a core and the knee was
// attributed to the queue, not the CPU (seen once in three runs of the project).
[Collection(nameof(TimingSensitive))]
public sealed class DemoCommandRampTests : IDisposable
{
    private readonly string _reportDir = Path.Combine(Path.GetTempPath(), "stampede-demo-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_reportDir))
        {
            Directory.Delete(_reportDir, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_RampPastCapacity_ValidAndNamesCpuAsTheBottleneck()
    {
        // The demo server is CPU-bound: ramping 0 → 100 users over 18 s passes what two workers on this
        // machine's cores can serve, and the knee must be attributed to the CPU with the generator not bound.
        int exit = await DemoCommand.RunAsync(
            new DemoSettings(TimeSpan.FromSeconds(36), Users: 100, Workers: 2, _reportDir, Seed: 7, OnlySummary: true),
            CancellationToken.None);

        exit.ShouldBe(0);
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_reportDir, "demo.json")));
        JsonElement root = document.RootElement;
        JsonElement bottleneck = root.GetProperty("analysis").GetProperty("bottleneck");
        string summary = bottleneck.GetProperty("summary").GetString()!;
        bottleneck.GetProperty("resource").GetString().ShouldBe("cpu", summary);
        bottleneck.GetProperty("atSecond").GetInt64().ShouldBeGreaterThan(3, summary);
        bottleneck.GetProperty("throughputAtKnee").GetDouble().ShouldBeGreaterThan(10, summary);
        root.GetProperty("validity").GetProperty("verdict").GetString().ShouldBe("VALID", root.GetProperty("validity").ToString());
        root.GetProperty("target").GetProperty("series").EnumerateArray()
            .ShouldContain(s => s.GetProperty("name").GetString() == "stampede_demo_queue_length" && s.GetProperty("resource").GetString() == "queue");
    }
}
