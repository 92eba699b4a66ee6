using System.Text.Json;
using Stampede.Metrics;
using Stampede.Tests.Reports;
using Stampede.Web;

namespace Stampede.Tests.Web;

/// <summary>
/// The LLM statistics in the dashboard's events, written from snapshots whose streams went through the real
/// aggregator with known TTFT, gaps and token counts.
/// </summary>
public sealed class DashboardEventsLlmTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Write_RunWithStreams_CarriesEachStreamingRowsAndTheTotalsLlmFigures()
    {
        // Four streams, one a second: TTFT 100–400 ms, 10 tokens 10 ms apart (TPOT 10 ms, e2e TTFT + 90 ms), 20 prompt
        // tokens each; and a plain GET that is no stream.
        JsonElement e = Write(Running(WithStreams()));

        JsonElement[] rows = [.. e.GetProperty("rows").EnumerateArray()];
        rows.Select(r => r.GetProperty("name").GetString()).ShouldBe(["/health", "chat", "Aggregated"]);
        rows[0].TryGetProperty("llm", out _).ShouldBeFalse("a row without streams has no llm object");
        foreach (JsonElement row in rows[1..])
        {
            JsonElement llm = row.GetProperty("llm");
            llm.GetProperty("requests").GetInt64().ShouldBe(4);
            // HdrHistogram at 3 significant digits: each value within 0.1% of the true one.
            llm.GetProperty("ttftP50Ms").GetDouble().ShouldBe(200, tolerance: 0.3);
            llm.GetProperty("ttftP95Ms").GetDouble().ShouldBe(400, tolerance: 0.5);
            llm.GetProperty("ttftP99Ms").GetDouble().ShouldBe(400, tolerance: 0.5);
            llm.GetProperty("itlP50Ms").GetDouble().ShouldBe(10, tolerance: 0.02);
            llm.GetProperty("itlP99Ms").GetDouble().ShouldBe(10, tolerance: 0.02);
            llm.GetProperty("tpotP50Ms").GetDouble().ShouldBe(10, tolerance: 0.02);
            llm.GetProperty("tpotP99Ms").GetDouble().ShouldBe(10, tolerance: 0.02);
            llm.GetProperty("e2eP50Ms").GetDouble().ShouldBe(290, tolerance: 0.3);
            llm.GetProperty("e2eP99Ms").GetDouble().ShouldBe(490, tolerance: 0.5);
            llm.GetProperty("outputTokensMean").GetDouble().ShouldBe(10);
            llm.GetProperty("inputTokensMean").GetDouble().ShouldBe(20);
            // 40 output tokens over the 4 s run.
            llm.GetProperty("outputTokensPerSecond").GetDouble().ShouldBe(10, tolerance: 0.01);
            llm.GetProperty("tokenSource").GetString().ShouldBe("usage");
        }
    }

    [Fact]
    public void Write_StreamsWithOneTokenAndNoPromptCount_WritesNullForTheEmptyDistributions()
    {
        // One token per stream: no gap, so no ITL nor TPOT; no usage, so no prompt tokens.
        StatsSnapshot stats = new RunReportBuilder()
            .LlmStream("chat", TimeSpan.Zero, 100 * Ms, 10 * Ms, tokens: 1, inputTokens: null)
            .Build(TimeSpan.FromSeconds(1)).Result.Stats;

        JsonElement llm = Write(Running(stats)).GetProperty("rows").EnumerateArray().Last().GetProperty("llm");

        llm.GetProperty("requests").GetInt64().ShouldBe(1);
        llm.GetProperty("ttftP50Ms").GetDouble().ShouldBe(100, tolerance: 0.2);
        foreach (string name in (string[])["itlP50Ms", "itlP99Ms", "tpotP50Ms", "tpotP99Ms", "inputTokensMean"])
        {
            llm.GetProperty(name).ValueKind.ShouldBe(JsonValueKind.Null, name);
        }

        llm.GetProperty("outputTokensMean").GetDouble().ShouldBe(1);
        llm.GetProperty("tokenSource").GetString().ShouldBe("tokenizer");
    }

    [Fact]
    public void Write_WithGoodput_EachStreamingRowCarriesItsBoundsCountShareAndRate()
    {
        // TTFT 100 … 400 ms, one stream a second over 4 s: two met ttft<250ms.
        JsonElement e = Write(Running(WithStreams("ttft<250ms,tpot<50ms")));

        JsonElement[] rows = [.. e.GetProperty("rows").EnumerateArray()];
        rows[0].TryGetProperty("llm", out _).ShouldBeFalse();
        foreach (JsonElement row in rows[1..])
        {
            JsonElement goodput = row.GetProperty("llm").GetProperty("goodput");
            goodput.GetProperty("bounds").GetString().ShouldBe("ttft<250ms,tpot<50ms");
            goodput.GetProperty("requests").GetInt64().ShouldBe(2);
            goodput.GetProperty("share").GetDouble().ShouldBe(0.5);
            goodput.GetProperty("perSecond").GetDouble().ShouldBe(0.5, tolerance: 0.001);
        }
    }

    [Fact]
    public void Write_WithoutGoodput_HasNoGoodputObject()
    {
        JsonElement e = Write(Running(WithStreams()));

        JsonElement[] streaming = [.. e.GetProperty("rows").EnumerateArray().Where(r => r.TryGetProperty("llm", out _))];
        streaming.Length.ShouldBe(2);
        foreach (JsonElement row in streaming)
        {
            row.GetProperty("llm").TryGetProperty("goodput", out _).ShouldBeFalse();
        }
    }

    [Fact]
    public void Write_RunWithStreams_PointsCarryEachSecondsTtftAndTokenThroughputAlignedWithTheTimeAxis()
    {
        StatsSnapshot stats = WithStreams();

        JsonElement points = Write(Running(stats)).GetProperty("points");

        int seconds = points.GetProperty("time").GetArrayLength();
        seconds.ShouldBe(stats.History.Count);
        JsonElement llm = points.GetProperty("llm");
        foreach (string name in (string[])["ttftP50", "ttftP95", "outputTokensPerSecond"])
        {
            llm.GetProperty(name).GetArrayLength().ShouldBe(seconds, name);
        }

        // Second i completed the stream with TTFT (i + 1) × 100 ms and its 10 tokens.
        seconds.ShouldBe(4);
        List<double?> p50 = Numbers(llm.GetProperty("ttftP50"));
        List<double?> p95 = Numbers(llm.GetProperty("ttftP95"));
        List<double?> tokens = Numbers(llm.GetProperty("outputTokensPerSecond"));
        for (int i = 0; i < 4; i++)
        {
            p50[i].ShouldNotBeNull().ShouldBe((i + 1) * 100, tolerance: 0.5);
            p95[i].ShouldNotBeNull().ShouldBe((i + 1) * 100, tolerance: 0.5);
            tokens[i].ShouldNotBeNull().ShouldBe(10, tolerance: 0.01);
        }
    }

    [Fact]
    public void Write_SecondWithoutACompletedStream_HasNoTtftPointAndZeroTokensPerSecond()
    {
        // Streams in seconds 0 and 2 only; the run has three.
        StatsSnapshot stats = new RunReportBuilder()
            .LlmStream("chat", TimeSpan.Zero, 100 * Ms, 10 * Ms, tokens: 10)
            .LlmStream("chat", TimeSpan.FromSeconds(2), 300 * Ms, 10 * Ms, tokens: 10)
            .Build(TimeSpan.FromSeconds(3)).Result.Stats;

        JsonElement llm = Write(Running(stats)).GetProperty("points").GetProperty("llm");

        stats.History.Count.ShouldBe(3);
        Numbers(llm.GetProperty("ttftP50"))[1].ShouldBeNull();
        Numbers(llm.GetProperty("ttftP95"))[1].ShouldBeNull();
        Numbers(llm.GetProperty("outputTokensPerSecond")).ShouldBe([10, 0, 10]);
        Numbers(llm.GetProperty("ttftP50"))[2].ShouldNotBeNull().ShouldBe(300, tolerance: 0.5);
    }

    [Fact]
    public void Write_RunWithStreamsFromAClientsOffset_SendsOnlyTheSecondsItHasNot()
    {
        StatsSnapshot stats = WithStreams();

        using JsonDocument document = JsonDocument.Parse(DashboardEvents.Write(Running(stats), 2, out int to));

        to.ShouldBe(stats.History.Count);
        JsonElement points = document.RootElement.GetProperty("points");
        points.GetProperty("from").GetInt32().ShouldBe(2);
        List<double?> p50 = Numbers(points.GetProperty("llm").GetProperty("ttftP50"));
        p50.Count.ShouldBe(stats.History.Count - 2);
        p50[0].ShouldNotBeNull().ShouldBe(300, tolerance: 0.5);
    }

    [Fact]
    public void Write_RunWithoutStreams_HasNoLlmAnywhere()
    {
        JsonElement e = Write(Running(DashboardEventsTests.TenPerSecondFor10Seconds()));

        e.GetProperty("rows").EnumerateArray().Where(r => r.TryGetProperty("llm", out _)).ShouldBeEmpty();
        e.GetProperty("points").TryGetProperty("llm", out _).ShouldBeFalse();
        DashboardEvents.Write(Running(DashboardEventsTests.TenPerSecondFor10Seconds()), 0, out _).ShouldNotContain("llm");
    }

    /// <summary>A GET and four streams of "chat", one a second, each completed within its second (see the first test).</summary>
    internal static StatsSnapshot WithStreams(string? goodput = null)
    {
        RunReportBuilder builder = new();
        if (goodput is not null)
        {
            builder.WithGoodput(goodput);
        }

        builder.Request("GET", "/health", TimeSpan.FromSeconds(0.05), 2 * Ms);
        for (int i = 0; i < 4; i++)
        {
            builder.LlmStream("chat", TimeSpan.FromSeconds(i), (i + 1) * 100 * Ms, 10 * Ms, tokens: 10);
        }

        return builder.Build(TimeSpan.FromSeconds(4)).Result.Stats;
    }

    private static DashboardView Running(StatsSnapshot stats) =>
        new() { Version = 1, RunId = 1, State = DashboardRunState.Running, TargetUsers = 1, Stats = stats };

    private static List<double?> Numbers(JsonElement array) =>
        [.. array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble())];

    private static JsonElement Write(DashboardView view)
    {
        using JsonDocument document = JsonDocument.Parse(DashboardEvents.Write(view, 0, out _));
        return document.RootElement.Clone();
    }
}
