using System.Text.Json.Nodes;
using HdrHistogram;
using Stampede.Metrics;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

public sealed class JsonExporterTests : IDisposable
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task ExportAsync_ThenReadAsync_RoundTripsEveryRowAndSection()
    {
        RunReport report = SampleRun().Build(TimeSpan.FromSeconds(3.5), exitCode: 1);
        var exporter = new JsonExporter(Path.Combine(_directory, "out", "run.json"));

        await exporter.ExportAsync(report);
        RunDocument document = await RunDocumentReader.ReadAsync(exporter.Path);

        StatsSnapshot stats = report.Result.Stats;
        document.SchemaVersion.ShouldBe(1);
        document.Tool.ShouldBe(new RunDocumentTool { Name = "Stampede", Version = "0.1.0-test" });
        document.Run.StartedAt.ShouldBe(RunReportBuilder.StartedAt);
        document.Run.EndedAt.ShouldBe(RunReportBuilder.StartedAt.AddSeconds(3.5));
        document.Run.DurationSeconds.ShouldBe(3.5);
        document.Run.StopReason.ShouldBe("runTimeElapsed");
        document.Run.Seed.ShouldBe(1234);
        document.Run.ExitCode.ShouldBe(1);
        document.Run.Settings.Host.ShouldBe("http://localhost:5000");
        document.Run.Settings.SpawnRate.ShouldBe(2.5);
        document.Run.Settings.Shape.ShouldBeNull();
        document.Run.Settings.Tags.ShouldBe(["read"]);
        document.Run.Settings.Arguments.ShouldBe(["--users", "10"]);
        document.Run.UserClasses.Single().Tasks.Select(t => (t.Name, t.Weight)).ShouldBe([("ShopUser.Browse", 2), ("ShopUser.Buy", 1)]);

        document.Rows.Select(r => (r.Method, r.Name, r.Requests, r.Failures)).ShouldBe(
            stats.Rows.Select(r => (r.Key.Method, r.Key.Name, r.Requests, r.Failures)));
        document.Rows.Count.ShouldBe(3);
        for (int i = 0; i < stats.Rows.Count; i++)
        {
            RowStats expected = stats.Rows[i];
            RunDocumentRow actual = document.Rows[i];
            actual.MinMs.ShouldBe(expected.MinMs);
            actual.MaxMs.ShouldBe(expected.MaxMs);
            actual.AverageMs.ShouldBe(expected.AverageMs);
            actual.MedianMs.ShouldBe(expected.MedianMs);
            actual.PercentilesMs.Keys.ShouldBe(["50", "66", "75", "80", "90", "95", "98", "99", "99.9", "99.99", "100"]);
            actual.PercentilesMs.Values.ShouldBe(expected.Percentiles.Select(p => p.ValueMs));
            actual.TimeToFirstByte.AverageMs.ShouldBe(expected.AverageTimeToFirstByteMs);
            actual.TimeToFirstByte.PercentilesMs.Values.ShouldBe(expected.TimeToFirstBytePercentiles.Select(p => p.ValueMs));
            actual.BytesReceived.ShouldBe(expected.BytesReceived);
            actual.AverageContentSize.ShouldBe(expected.AverageContentSize);
            actual.RequestsPerSecond.ShouldBe(expected.RequestsPerSecond);
            actual.FailureRatio.ShouldBe(expected.FailureRatio);
        }

        document.Aggregated.Method.ShouldBe(string.Empty);
        document.Aggregated.Name.ShouldBe("Aggregated");
        document.Aggregated.Requests.ShouldBe(6);
        document.Aggregated.Failures.ShouldBe(2);

        document.History.Select(h => (h.Second, h.Aggregated.Requests, h.Rows.Count)).ShouldBe([(0L, 3L, 2), (1L, 0L, 0), (2L, 3L, 2), (3L, 0L, 0)]);
        document.History[3].DurationSeconds.ShouldBe(0.5, 1e-9);
        document.History[2].Users.ShouldBe(7);
        document.History[2].Rows.Select(r => (r.Method, r.Name, r.Requests)).ShouldBe([("GET", "/a", 1L), ("POST", "/b", 2L)]);
        document.History[0].Aggregated.Method.ShouldBeNull();

        document.Failures.Select(f => (f.Method, f.Name, f.Error, f.Occurrences)).ShouldBe([("POST", "/b", "HTTP 503 Service Unavailable", 2L)]);
        RunDocumentError error = document.Errors.ShouldHaveSingleItem();
        (error.Source, error.Type, error.Message, error.Count).ShouldBe(("ShopUser.Browse", "InvalidOperationException", "boom", 1L));
        error.StackTrace.ShouldContain(nameof(RunReportBuilder.UserError));

        document.Generator.ProcessorCount.ShouldBe(4);
        document.Generator.PeakCpuPercent.ShouldBe(95);
        document.Generator.Samples.Select(c => (c.Second, c.CpuPercent)).ShouldBe([(1L, 50.0), (2L, 95.0)]);
        document.Generator.Warnings.ShouldHaveSingleItem().AtSeconds.ShouldBe(2);
    }

    [Fact]
    public async Task ExportAsync_Histograms_DecodeToTheRequestCounts()
    {
        RunReport report = SampleRun().Build(TimeSpan.FromSeconds(3.5));
        var exporter = new JsonExporter(Path.Combine(_directory, "run.json"));

        await exporter.ExportAsync(report);
        RunDocument document = await RunDocumentReader.ReadAsync(exporter.Path);

        Decode(document.Aggregated.Histogram).TotalCount.ShouldBe(6);
        foreach (RunDocumentRow row in document.Rows)
        {
            HistogramBase histogram = Decode(row.Histogram);
            histogram.TotalCount.ShouldBe(row.Requests);
            Math.Clamp(histogram.GetValueAtPercentile(50) / 1000.0, row.MinMs, row.MaxMs).ShouldBe(row.MedianMs);
        }

        foreach (RunDocumentInterval interval in document.History.Where(h => h.Aggregated.Requests > 0))
        {
            Decode(interval.Aggregated.Histogram).TotalCount.ShouldBe(interval.Aggregated.Requests);
            interval.Rows.ShouldAllBe(r => Decode(r.Histogram).TotalCount == r.Requests);
        }
    }

    [Fact]
    public async Task ExportAsync_Document_UsesTheDocumentedFieldNames()
    {
        RunReport report = SampleRun().Build(TimeSpan.FromSeconds(3.5));
        var exporter = new JsonExporter(Path.Combine(_directory, "run.json"));

        await exporter.ExportAsync(report);

        string text = await File.ReadAllTextAsync(exporter.Path);
        text.ShouldStartWith("{\n  \"schemaVersion\": 1,\n  \"tool\": {");
        text.ShouldEndWith("}\n");
        JsonObject root = JsonNode.Parse(text)!.AsObject();
        root.Select(p => p.Key).ShouldBe(["schemaVersion", "tool", "run", "rows", "aggregated", "history", "failures", "errors", "generator", "validity", "arrivals"]);
        root["run"]!.AsObject().Select(p => p.Key).ShouldBe(
            ["startedAt", "endedAt", "durationSeconds", "stopReason", "seed", "exitCode", "settings", "userClasses"]);
        root["rows"]![0]!.AsObject().Select(p => p.Key).ShouldBe(
        [
            "method", "name", "requests", "failures", "failureRatio", "minMs", "maxMs", "averageMs", "medianMs", "percentilesMs",
            "timeToFirstByte", "bytesSent", "bytesReceived", "averageContentSize", "requestsPerSecond", "failuresPerSecond",
            "currentRequestsPerSecond", "currentFailuresPerSecond", "histogram", "serviceTime", "schedulingLag", "llm", "insufficientPercentiles",
        ]);
        root["history"]![0]!.AsObject().Select(p => p.Key).ShouldBe(
            ["second", "start", "durationSeconds", "users", "aggregated", "rows", "dueIterations", "droppedIterations", "schedulingLagP99Ms", "generatorBound"]);
        root["history"]![0]!["aggregated"]!.AsObject().Select(p => p.Key).ShouldBe(
            ["requests", "failures", "requestsPerSecond", "failuresPerSecond", "minMs", "maxMs", "averageMs", "percentilesMs", "histogram", "llm"]);
        root["history"]![0]!["rows"]![0]!.AsObject().Select(p => p.Key).Take(2).ShouldBe(["method", "name"]);
        root["generator"]!.AsObject().Select(p => p.Key).ShouldBe(
            ["processorCount", "gcMode", "cpuWarningThresholdPercent", "peakCpuPercent", "averageCpuPercent", "totalGcPauseMs", "samples", "warnings", "boundSinceSecond", "boundSeconds", "boundReasons", "historySecondsOnDisk", "historyBytesOnDisk"]);
        bool datas = GC.GetConfigurationVariables().TryGetValue("GCDynamicAdaptationMode", out object? mode) && Convert.ToInt64(mode, System.Globalization.CultureInfo.InvariantCulture) != 0;
        root["generator"]!["gcMode"]!.GetValue<string>().ShouldBe(!System.Runtime.GCSettings.IsServerGC ? "workstation" : datas ? "server (DATAS)" : "server");
        root["validity"]!["verdict"]!.GetValue<string>().ShouldBeOneOf("VALID", "INVALID");
        root["arrivals"].ShouldBeNull("a closed-model run has no schedule");
        root["rows"]![0]!["histogram"]!.GetValue<string>().ShouldStartWith("HISTFAAAA"); // base64 of the 0x1c849314 cookie, as Java writes
    }

    [Fact]
    public void Read_UnknownSchemaVersion_ThrowsNamingBothVersions()
    {
        var e = Should.Throw<InvalidDataException>(() => RunDocumentReader.Read("{\"schemaVersion\": 2, \"rows\": \"a shape from the future\"}"));

        e.Message.ShouldContain("schemaVersion 2");
        e.Message.ShouldContain("reads schemaVersion 1");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"tool\": {}}")]
    [InlineData("{\"schemaVersion\": \"1\"}")]
    [InlineData("{\"schemaVersion\": 1}")]
    public void Read_NotARunDocument_ThrowsInvalidData(string json)
    {
        Should.Throw<InvalidDataException>(() => RunDocumentReader.Read(json)).Message.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task ExportAsync_LlmStreams_WritesTheLlmObjectOfTheRowTheAggregateAndTheirSeconds()
    {
        // Four streams: TTFT 100, 200, 300, 400 ms, then 9 more tokens 10 ms apart (10 tokens, 20 prompt tokens each).
        RunReportBuilder builder = new RunReportBuilder().Request("GET", "/health", TimeSpan.FromSeconds(0.1), 2 * Ms);
        for (int i = 0; i < 4; i++)
        {
            builder.LlmStream("chat", TimeSpan.FromSeconds(0.5 * i), (i + 1) * 100 * Ms, 10 * Ms, tokens: 10);
        }

        var exporter = new JsonExporter(Path.Combine(_directory, "llm.json"));
        await exporter.ExportAsync(builder.Build(TimeSpan.FromSeconds(4)));
        JsonNode root = JsonNode.Parse(await File.ReadAllTextAsync(exporter.Path))!;
        JsonNode row = root["rows"]!.AsArray().Single(r => (string?)r!["name"] == "chat")!;
        JsonNode llm = row["llm"]!;

        ((long)llm["requests"]!).ShouldBe(4);
        ((double)llm["ttftMs"]!["mean"]!).ShouldBe(250);
        ((double)llm["ttftMs"]!["min"]!).ShouldBe(100);
        ((double)llm["ttftMs"]!["percentiles"]!["100"]!).ShouldBe(400);
        llm["ttftMs"]!["percentiles"]!.AsObject().Select(p => p.Key).ShouldBe(["50", "66", "75", "80", "90", "95", "98", "99", "99.9", "99.99", "100"]);
        ((long)llm["itlMs"]!["count"]!).ShouldBe(36);
        ((double)llm["itlMs"]!["mean"]!).ShouldBe(10);
        ((double)llm["tpotMs"]!["mean"]!).ShouldBe(10);
        ((double)llm["e2eMs"]!["max"]!).ShouldBe(490);
        ((long)llm["outputTokens"]!["total"]!).ShouldBe(40);
        ((double)llm["outputTokens"]!["perRequest"]!["mean"]!).ShouldBe(10);
        ((long)llm["inputTokens"]!["total"]!).ShouldBe(80);
        ((double)llm["inputTokens"]!["mean"]!).ShouldBe(20);
        ((double)llm["outputTokensPerSecond"]!).ShouldBe(10);
        ((double)llm["requestsPerSecond"]!).ShouldBe(1);
        ((string?)llm["tokenSource"]).ShouldBe("usage");
        llm["goodput"].ShouldBeNull();
        ((long)root["aggregated"]!["llm"]!["requests"]!).ShouldBe(4);
        root["rows"]!.AsArray().Single(r => (string?)r!["name"] == "/health")!["llm"].ShouldBeNull();

        // Each stream is in the second it ended: 0.19, 0.79, 1.39 and 1.99 s.
        long[] perSecond = [.. root["history"]!.AsArray().Select(i => (long?)i!["rows"]!.AsArray().SingleOrDefault(r => (string?)r!["name"] == "chat")?["llm"]?["requests"] ?? 0)];
        perSecond.ShouldBe([2, 2, 0, 0]);

        // And it reads back.
        RunDocument document = await RunDocumentReader.ReadAsync(exporter.Path);
        document.Rows.Single(r => r.Name == "chat").Llm.ShouldNotBeNull().TtftMs.Count.ShouldBe(4);
    }

    [Fact]
    public async Task ExportAsync_LlmStreamsWithGoodput_WritesTheGoodputObject()
    {
        RunReportBuilder builder = new RunReportBuilder().WithGoodput("ttft<250ms");
        for (int i = 0; i < 4; i++)
        {
            builder.LlmStream("chat", TimeSpan.FromSeconds(0.5 * i), (i + 1) * 100 * Ms, 10 * Ms, tokens: 10);
        }

        var exporter = new JsonExporter(Path.Combine(_directory, "goodput.json"));
        await exporter.ExportAsync(builder.Build(TimeSpan.FromSeconds(4)));
        JsonNode goodput = JsonNode.Parse(await File.ReadAllTextAsync(exporter.Path))!["rows"]![0]!["llm"]!["goodput"]!;

        ((string?)goodput["bounds"]).ShouldBe("ttft<250ms");
        ((long)goodput["requests"]!).ShouldBe(2);
        ((double)goodput["share"]!).ShouldBe(0.5);
        ((double)goodput["perSecond"]!).ShouldBe(0.5);
    }

    [Fact]
    public async Task ReadAsync_MissingRequiredField_ThrowsNamingTheField()
    {
        RunReport report = SampleRun().Build(TimeSpan.FromSeconds(1));
        var exporter = new JsonExporter(Path.Combine(_directory, "run.json"));
        await exporter.ExportAsync(report);
        JsonObject root = JsonNode.Parse(await File.ReadAllTextAsync(exporter.Path))!.AsObject();
        root.Remove("aggregated");

        var e = Should.Throw<InvalidDataException>(() => RunDocumentReader.Read(root.ToJsonString()));

        e.Message.ShouldContain("aggregated");
    }

    private static RunReportBuilder SampleRun() => new RunReportBuilder()
        .WithUsers(7)
        .Request("GET", "/a", TimeSpan.FromSeconds(0.2), 1.5 * Ms, bytesSent: 10, bytesReceived: 100)
        .Request("GET", "/c", TimeSpan.FromSeconds(0.4), 12 * Ms, bytesReceived: 300)
        .Request("GET", "/c", TimeSpan.FromSeconds(0.6), TimeSpan.FromTicks(4_120), bytesReceived: 300)
        .Request("GET", "/a", TimeSpan.FromSeconds(2.1), 250 * Ms, bytesReceived: 100)
        .Request("POST", "/b", TimeSpan.FromSeconds(2.2), 30 * Ms, error: "HTTP 503 Service Unavailable")
        .Request("POST", "/b", TimeSpan.FromSeconds(2.3), 40 * Ms, error: "HTTP 503 Service Unavailable")
        .UserError("ShopUser.Browse", "boom")
        .Cpu(1, 50)
        .Cpu(2, 95);

    private static HistogramBase Decode(string? base64)
    {
        base64.ShouldNotBeNull();
        return HistogramCodec.Decode(Convert.FromBase64String(base64));
    }
}
