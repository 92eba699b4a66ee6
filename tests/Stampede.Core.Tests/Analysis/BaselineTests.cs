using Stampede.Analysis;
using Stampede.Metrics;

namespace Stampede.Core.Tests.Analysis;

public sealed class BaselineTests
{
    [Fact]
    public void FromSnapshot_KeepsWholeRunAndPerSecondValues()
    {
        StatsSnapshot run = new SnapshotBuilder()
            .Steady("predict", seconds: 3, perSecond: 100, latencyMs: i => (i % 100) + 1, failureRatio: 0.02)
            .Build(3);

        Baseline baseline = Baseline.FromSnapshot(run);

        BaselineRow row = baseline.Rows.Single();
        row.Label.ShouldBe("POST predict");
        row.Requests.ShouldBe(300);
        row.Failures.ShouldBe(6);
        row.ErrorRate.ShouldBe(0.02, 1e-12);
        row.RequestsPerSecond.ShouldBe(100, 1e-9);
        row.P95Ms.ShouldBe(95, 0.1);
        row.Seconds.Count.ShouldBe(3);
        row.Seconds[1].ShouldBe(row.Seconds[1] with { Second = 1, DurationSeconds = 1, Requests = 100, Failures = 2 });
        row.Seconds[1].P99Ms.ShouldBe(99, 0.1);
        baseline.Aggregated.Name.ShouldBe("Aggregated");
        baseline.DurationSeconds.ShouldBe(3);
    }

    [Fact]
    public void ToJson_FromJson_RoundTrips()
    {
        Baseline baseline = Baseline.FromSnapshot(new SnapshotBuilder()
            .Steady("predict \"large\"", seconds: 2, perSecond: 10, latencyMs: i => i + 0.125)
            .Build(2));

        string json = BaselineFile.ToJson(baseline);
        Baseline read = BaselineFile.FromJson(json);

        BaselineFile.ToJson(read).ShouldBe(json);
        read.Rows.Single().Name.ShouldBe("predict \"large\"");
        json.ShouldContain("\"format\": \"stampede-baseline\"");
        json.ShouldContain("\"schemaVersion\": 1");
    }

    [Fact]
    public async Task SaveAsync_LoadAsync_RoundTripsThroughAFile()
    {
        Baseline baseline = Baseline.FromSnapshot(new SnapshotBuilder().Steady("a", seconds: 2, perSecond: 5, latencyMs: _ => 3).Build(2));
        string path = Path.Combine(Path.GetTempPath(), $"stampede-baseline-{Guid.NewGuid():N}.json");
        try
        {
            await BaselineFile.SaveAsync(baseline, path);
            (await BaselineFile.LoadAsync(path)).Rows.Single().Requests.ShouldBe(10);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{ "schemaVersion": 1, "rows": [] }""", "is not a Stampede baseline (a file written by --save-baseline")]
    [InlineData("""{ "format": "stampede-baseline", "schemaVersion": 2 }""", "has schemaVersion 2, but this build of Stampede reads baselines of schemaVersion 1 only")]
    [InlineData("""{ "format": "stampede-baseline", "schemaVersion": "1" }""", "has schemaVersion \"1\"")]
    [InlineData("""{ "format": "stampede-baseline", "schemaVersion": 1 }""", "is not a valid Stampede baseline")]
    [InlineData("not json", "is not a valid Stampede baseline")]
    public void FromJson_NotABaseline_SaysWhy(string json, string expected)
    {
        Should.Throw<InvalidDataException>(() => BaselineFile.FromJson(json, "'b.json'")).Message.ShouldContain(expected);
    }
}
