using System.Text.Json;
using Stampede.Tool.Commands;

namespace Stampede.Tool.Tests.Commands;

public sealed class DemoCommandTests : IDisposable
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
    public async Task RunAsync_ShortDemo_BothRowsRoughlySeventyThirtyAndLargeImagesSlower()
    {
        int exit = await DemoCommand.RunAsync(
            new DemoSettings(TimeSpan.FromSeconds(12), Users: 12, Workers: 2, _reportDir, Seed: 5, OnlySummary: true),
            CancellationToken.None);

        exit.ShouldBe(0);
        File.Exists(Path.Combine(_reportDir, "demo_stats.csv")).ShouldBeTrue();
        (await File.ReadAllTextAsync(Path.Combine(_reportDir, "demo.html"))).ShouldContain("<div><dt>Requests</dt>");
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_reportDir, "demo.json")));
        JsonElement[] rows = [.. document.RootElement.GetProperty("rows").EnumerateArray()];
        JsonElement small = rows.Single(r => r.GetProperty("name").GetString() == "predict small");
        JsonElement large = rows.Single(r => r.GetProperty("name").GetString() == "predict large");
        double smallCount = small.GetProperty("requests").GetInt64();
        double largeCount = large.GetProperty("requests").GetInt64();
        (smallCount + largeCount).ShouldBeGreaterThan(30);
        (smallCount / (smallCount + largeCount)).ShouldBe(0.7, 0.15);
        small.GetProperty("failures").GetInt64().ShouldBe(0);
        large.GetProperty("failures").GetInt64().ShouldBe(0);

        // Decoding and resizing a 1920×1080 JPEG costs more than a 224×224 one, whatever the noise.
        large.GetProperty("medianMs").GetDouble().ShouldBeGreaterThan(small.GetProperty("medianMs").GetDouble());
    }
}
