using Spectre.Console.Rendering;
using Spectre.Console.Testing;
using Stampede.Metrics;
using Stampede.Reports;
using Stampede.Terminal;
using Stampede.Tests.Reports;

namespace Stampede.Tests.Terminal;

public sealed class LlmTablesTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Summary_RunWithStreams_ShowsTheLlmTableWithTheirFigures()
    {
        // Four streams: TTFT 100–400 ms, 10 tokens 10 ms apart, 20 prompt tokens each.
        RunReportBuilder builder = new RunReportBuilder().Request("GET", "/health", TimeSpan.FromSeconds(0.1), 2 * Ms);
        for (int i = 0; i < 4; i++)
        {
            builder.LlmStream("chat", TimeSpan.FromSeconds(0.5 * i), (i + 1) * 100 * Ms, 10 * Ms, tokens: 10);
        }

        RunReport report = builder.Build(TimeSpan.FromSeconds(4));
        string output = Render(StatsTables.Summary(report.Result));

        output.ShouldContain("LLM streams (vLLM's definitions; ms from each request's intended start)");
        string chat = output.Split('\n').Single(l => l.Contains("│ chat", StringComparison.Ordinal) && l.Contains("│ POST", StringComparison.Ordinal) && l.Contains("10.0", StringComparison.Ordinal));
        string[] cells = [.. chat.Split('│').Select(c => c.Trim()).Where(c => c.Length > 0)];

        // Type, name, streams, TTFT p50/p90/p99, ITL p50/p99, TPOT p50/p99, e2e p50/p99, out and in tokens, tokens/s.
        // TTFT p50 is HdrHistogram's bucket top for 200 ms at 3 digits (200.063 ms); the extremes are exact.
        cells.ShouldBe(["POST", "chat", "4", "200.1", "400.0", "400.0", "10.0", "10.0", "10.0", "10.0", "290.0", "490.0", "10", "20", "10"]);
        output.ShouldContain("Output tokens from the server's usage");
        output.Split('\n').ShouldNotContain(l => l.Contains("│ /health", StringComparison.Ordinal) && l.Contains("LLM", StringComparison.Ordinal));
    }

    [Fact]
    public void Summary_WithGoodput_SaysHowManyStreamsMetEveryBound()
    {
        // TTFT 100, 200, 300, 400 ms: two are under 250 ms.
        RunReportBuilder builder = new RunReportBuilder().WithGoodput("ttft<250ms,tpot<50ms");
        for (int i = 0; i < 4; i++)
        {
            builder.LlmStream("chat", TimeSpan.FromSeconds(0.5 * i), (i + 1) * 100 * Ms, 10 * Ms, tokens: 10);
        }

        RunReport report = builder.Build(TimeSpan.FromSeconds(4));
        string output = Render(StatsTables.Summary(report.Result));

        output.ShouldContain("Goodput of POST chat (ttft<250ms,tpot<50ms): 2 of 4 streams met every bound (50%), 0.5 good streams/s.");
        report.Result.Stats.Total.Llm!.Goodput!.GoodRequests.ShouldBe(2);
    }

    [Fact]
    public void Summary_RunWithoutStreams_HasNoLlmTable()
    {
        RunReport report = new RunReportBuilder().Request("GET", "/a", TimeSpan.FromSeconds(0.2), 5 * Ms).Build(TimeSpan.FromSeconds(1));

        Render(StatsTables.Summary(report.Result)).ShouldNotContain("LLM streams");
        LlmTables.LiveLine(report.Result.Stats).ShouldBeNull();
    }

    [Fact]
    public void LiveLine_RunWithStreams_GivesTtftItlTpotAndTokenThroughput()
    {
        RunReport report = new RunReportBuilder().LlmStream("chat", TimeSpan.Zero, 100 * Ms, 10 * Ms, tokens: 11).Build(TimeSpan.FromSeconds(2));

        LlmTables.LiveLine(report.Result.Stats).ShouldBe("LLM · 1 streams · TTFT p50 100.0 ms, p95 100.0 ms · ITL p95 10.0 ms · TPOT p50 10.0 ms · 5.5 output tokens/s");
    }

    private static string Render(IEnumerable<IRenderable> parts)
    {
        var console = new TestConsole();
        console.Profile.Width = 250;
        foreach (IRenderable part in parts)
        {
            console.Write(part);
        }

        return console.Output;
    }
}
