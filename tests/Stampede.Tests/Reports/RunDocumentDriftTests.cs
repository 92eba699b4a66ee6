using System.Text.Json.Nodes;
using Spectre.Console.Testing;
using Stampede.Reports;
using Stampede.Terminal;
using Stampede.Tests.Analysis;

namespace Stampede.Tests.Reports;

/// <summary><c>analysis.drift[]</c> in the JSON document and the console's Drift table.</summary>
public sealed class RunDocumentDriftTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task ExportAsync_SoakWithLatencyAndMemoryRising_WritesEveryDriftField()
    {
        RunReport report = DriftRun.Build(90, DriftRun.Rising(20, 6), soak: true, memoryBytes: s => 300e6 + (2e6 * s), exitCode: 3);
        var exporter = new JsonExporter(Path.Combine(_directory, "run.json"));

        await exporter.ExportAsync(report);
        JsonArray drift = JsonNode.Parse(await File.ReadAllTextAsync(exporter.Path))!["analysis"]!["drift"]!.AsArray();

        drift.Select(d => (string)d!["metric"]! + " " + (string?)d["row"] + (string?)d["source"]).ShouldBe(
            ["latency Aggregated", "latency GET /health", "latency POST predict", "throughput Aggregated", "memory demo"]);
        JsonObject predict = drift[2]!.AsObject();
        predict.Select(p => p.Key).ShouldBe(
            ["series", "metric", "row", "unit", "verdict", "slopePerMinute", "slopeLow", "slopeHigh", "changeOverRun", "changePercent", "pValue", "n", "points", "median", "materialChange", "fromSecond", "toSecond", "startValue", "endValue", "soak", "method"]);
        ((string)predict["series"]!).ShouldBe("p95");
        ((string)predict["unit"]!).ShouldBe("ms");
        ((string)predict["verdict"]!).ShouldBe("rising");
        ((double)predict["slopePerMinute"]!).ShouldBe(6, 0.05);
        ((double)predict["slopeLow"]!).ShouldBeLessThanOrEqualTo((double)predict["slopePerMinute"]!);
        ((double)predict["slopeHigh"]!).ShouldBeGreaterThanOrEqualTo((double)predict["slopePerMinute"]!);
        ((double)predict["changeOverRun"]!).ShouldBe(8, 0.1);
        ((double)predict["changePercent"]!).ShouldBe(8 / 24.95 * 100, 1);
        ((double)predict["pValue"]!).ShouldBeLessThan(1e-6);
        ((int)predict["n"]!).ShouldBe(80);
        ((double)predict["fromSecond"]!).ShouldBe(10);
        ((double)predict["toSecond"]!).ShouldBe(90);
        ((bool)predict["soak"]!).ShouldBeTrue();
        ((string)predict["method"]!).ShouldBe("theil-sen");

        JsonObject memory = drift[4]!.AsObject();
        memory.ContainsKey("row").ShouldBeFalse();
        ((string)memory["series"]!).ShouldBe("process_resident_memory_bytes");
        ((string)memory["unit"]!).ShouldBe("bytes");
        ((double)memory["slopePerMinute"]!).ShouldBe(120e6);
        ((string)memory["verdict"]!).ShouldBe("rising");
        ((bool)drift[3]!["soak"]!).ShouldBeFalse("throughput is reported, never judged by --soak");
    }

    [Fact]
    public async Task ReadAsync_DocumentWithDrift_RoundTripsIt()
    {
        RunReport report = DriftRun.Build(90, DriftRun.Rising(20, 6), soak: false);
        var exporter = new JsonExporter(Path.Combine(_directory, "run.json"));

        await exporter.ExportAsync(report);
        RunDocument document = await RunDocumentReader.ReadAsync(exporter.Path);

        document.Analysis!.Drift!.Count.ShouldBe(report.Result.Drift!.Series.Count);
        document.Analysis.Drift[2].Verdict.ShouldBe("rising");
        document.Analysis.Drift[2].Soak.ShouldBeFalse();
        document.Analysis.Bottleneck.ShouldNotBeNull();
    }

    [Fact]
    public async Task ExportAsync_RunTooShortToJudge_WritesNoDrift()
    {
        RunReport report = DriftRun.Build(60, DriftRun.Rising(20, 6), soak: false);
        var exporter = new JsonExporter(Path.Combine(_directory, "run.json"));

        await exporter.ExportAsync(report);
        JsonNode root = JsonNode.Parse(await File.ReadAllTextAsync(exporter.Path))!;

        root["analysis"]!.AsObject().ContainsKey("drift").ShouldBeFalse();
    }

    [Fact]
    public void Summary_RunWithDrift_ShowsTheDriftTableAndTheSoakVerdict()
    {
        RunReport report = DriftRun.Build(90, DriftRun.Rising(20, 6), soak: true);
        var console = new TestConsole();
        console.Profile.Width = 220;

        foreach (Spectre.Console.Rendering.IRenderable part in StatsTables.Summary(report.Result))
        {
            console.Write(part);
        }

        console.Output.ShouldContain("Drift (Theil–Sen slope, 95% interval; after a 10 s warm-up, 0:10–1:30)");
        string predict = console.Output.Split('\n').Single(l => l.Contains("│ p95 of POST predict", StringComparison.Ordinal));
        predict.ShouldContain("rising (fails --soak)");
        predict.ShouldContain("6 ms");
        predict.ShouldContain("+8 ms");
        console.Output.Split('\n').Single(l => l.Contains("│ p95 of GET /health", StringComparison.Ordinal)).ShouldContain("stable");
        console.Output.ShouldContain("Soak: FAILED: p95 of Aggregated, p95 of POST predict rising.");
    }

    [Fact]
    public void Summary_RunTooShortToJudge_HasNoDriftTable()
    {
        RunReport report = DriftRun.Build(60, DriftRun.Rising(20, 6), soak: false);
        var console = new TestConsole();
        console.Profile.Width = 220;

        foreach (Spectre.Console.Rendering.IRenderable part in StatsTables.Summary(report.Result))
        {
            console.Write(part);
        }

        console.Output.ShouldNotContain("Drift (");
    }
}
