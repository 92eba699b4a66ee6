using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary>The HTML report's LLM section: its table, its chart data and its definitions, and none of it without streams.</summary>
public sealed partial class HtmlReportLlmTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Render_RunWithStreams_ShowsTheLlmSectionWithItsLinkAndTable()
    {
        RunDocument document = RunDocumentMapper.ToDocument(FourStreams().Build(TimeSpan.FromSeconds(4)));

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain("<a href=\"#llm\">LLM</a>");
        html.ShouldContain("<section id=\"llm\">");
        List<List<string>> rows = LlmTable(html);

        // One row has streams: no aggregated row beside it.
        rows.Count.ShouldBe(1);
        RunDocumentLlm llm = document.Rows.Single(r => r.Name == "chat").Llm.ShouldNotBeNull();
        rows[0].ShouldBe([
            "POST", "chat", "4",
            Ms3(llm.TtftMs.Percentiles["50"]), Ms3(llm.TtftMs.Percentiles["90"]), "400",
            Ms3(llm.ItlMs.Percentiles["50"]), Ms3(llm.ItlMs.Percentiles["99"]),
            Ms3(llm.TpotMs.Percentiles["50"]), Ms3(llm.TpotMs.Percentiles["99"]),
            Ms3(llm.E2eMs.Percentiles["50"]), "490",
            "10", "20", "10.00", "usage",
        ]);

        // TTFTs of 100 … 400 ms and tokens 10 ms apart: the cells are those, within HdrHistogram's 0.1%.
        double.Parse(rows[0][3], System.Globalization.CultureInfo.InvariantCulture).ShouldBe(200, 0.2);
        double.Parse(rows[0][6], System.Globalization.CultureInfo.InvariantCulture).ShouldBe(10, 0.01);
        double.Parse(rows[0][8], System.Globalization.CultureInfo.InvariantCulture).ShouldBe(10, 0.01);
    }

    [Fact]
    public void Render_TwoRowsWithStreams_AddsTheAggregatedRowLast()
    {
        RunReportBuilder builder = FourStreams().LlmStream("complete", TimeSpan.FromSeconds(0.2), 50 * Ms, 5 * Ms, tokens: 3, inputTokens: null);
        RunDocument document = RunDocumentMapper.ToDocument(builder.Build(TimeSpan.FromSeconds(4)));

        string html = HtmlReportWriter.Render(document);

        List<List<string>> rows = LlmTable(html);
        rows.Select(r => r[1]).ShouldBe(["chat", "complete", "Aggregated"]);
        rows.Select(r => r[2]).ShouldBe(["4", "1", "5"]);
        rows[1][13].ShouldBe("–", "a row whose server reported no usage has no input tokens");
        rows[1][15].ShouldBe("tokenizer");
        rows[2][15].ShouldBe("mixed");
        html.ShouldContain("<tr class=\"total\"><td></td><td>Aggregated</td>");
    }

    [Fact]
    public void Render_WithGoodput_AddsItsShareCountAndRateAndNamesTheBounds()
    {
        // TTFT 100, 200, 300, 400 ms over a 4 s run: two streams are under 250 ms.
        RunDocument document = RunDocumentMapper.ToDocument(FourStreams("ttft<250ms,tpot<50ms").Build(TimeSpan.FromSeconds(4)));

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain("<th class=\"num\">Goodput</th><th class=\"num\">Good streams/s</th>");
        List<List<string>> rows = LlmTable(html);
        rows[0].Count.ShouldBe(18);
        rows[0][16..].ShouldBe(["50% (2)", "0.50"]);
        html.ShouldContain("<code>--goodput ttft&lt;250ms,tpot&lt;50ms</code>");
        html.ShouldContain("<dt>Goodput</dt>");
    }

    [Fact]
    public void Render_WithoutGoodput_HasNoGoodputColumns()
    {
        string html = HtmlReportWriter.Render(RunDocumentMapper.ToDocument(FourStreams().Build(TimeSpan.FromSeconds(4))));

        html.ShouldNotContain("Goodput</th>");
        html.ShouldNotContain("id=\"llm-goodput\"");
        LlmTable(html)[0].Count.ShouldBe(16);
    }

    [Fact]
    public void Render_RunWithStreams_DefinesTheLlmTerms()
    {
        string html = HtmlReportWriter.Render(RunDocumentMapper.ToDocument(FourStreams().Build(TimeSpan.FromSeconds(4))));

        foreach (string term in (string[])["TTFT", "ITL", "TPOT", "e2e", "Output tokens, input tokens, output tokens/s", "Token source"])
        {
            html.ShouldContain($"<dt>{term}</dt>");
        }
    }

    [Fact]
    public void Render_RunWithoutStreams_HasNoLlmSectionLinkDefinitionsOrData()
    {
        RunReportBuilder builder = new RunReportBuilder().Request("GET", "/health", TimeSpan.FromSeconds(0.1), 2 * Ms);
        string page = HtmlReportWriter.Render(RunDocumentMapper.ToDocument(builder.Build(TimeSpan.FromSeconds(2))));

        // What the run rendered, without the report's script (which names the LLM charts in every page).
        string html = HtmlReportFiles.Structure(page);
        html.ShouldNotContain("href=\"#llm\"");
        html.ShouldNotContain("id=\"llm");
        html.ShouldNotContain("chart-llm");
        html.ShouldNotContain("<dt>TTFT</dt>");
        html.ShouldContain("<a href=\"#stats\">Statistics</a>\n  <a href=\"#failures\">Failures</a>");
        HtmlReportFiles.Payload(page).ContainsKey("llm").ShouldBeFalse();
    }

    [Fact]
    public void Render_RunWithStreams_PayloadCarriesEachSecondsTtftAndTokens()
    {
        RunDocument document = RunDocumentMapper.ToDocument(FourStreams().Build(TimeSpan.FromSeconds(4)));

        JsonObject llm = HtmlReportFiles.Payload(HtmlReportWriter.Render(document))["llm"]!.AsObject();

        JsonArray rows = llm["rows"]!.AsArray();
        rows.Select(r => r!["label"]!.GetValue<string>()).ShouldBe(["POST chat"]);

        // Streams end at 0.19, 0.79 (TTFT 100, 200 ms), 1.39 and 1.99 s (300, 400 ms), 10 tokens each; none after.
        List<double?> p50 = Values(rows[0]!["ttftP50"]);
        List<double?> p95 = Values(rows[0]!["ttftP95"]);
        p50.Count.ShouldBe(document.History.Count);
        p50[0].ShouldNotBeNull().ShouldBe(100, 0.1);
        p95[0].ShouldNotBeNull().ShouldBe(200, 0.2);
        p50[1].ShouldNotBeNull().ShouldBe(300, 0.3);
        p95[1].ShouldNotBeNull().ShouldBe(400, 0.4);
        p50.Skip(2).ShouldAllBe(v => v == null);
        Values(rows[0]!["outputTokensPerSecond"]).ShouldBe([20, 20, 0, 0]);
        List<double?> expected = [.. document.History.Select(h => h.Rows.SingleOrDefault(r => r.Name == "chat")?.Llm is { TtftMs.Count: > 0 } l ? (double?)Math.Round(l.TtftMs.Percentiles["95"], 3) : null)];
        p95.ShouldBe(expected);
    }

    [Fact]
    public void Render_RunWithStreams_PayloadCarriesTtftAndItlByPercentile()
    {
        RunDocument document = RunDocumentMapper.ToDocument(FourStreams().Build(TimeSpan.FromSeconds(4)));
        RunDocumentLlm llm = document.Rows.Single(r => r.Name == "chat").Llm.ShouldNotBeNull();

        JsonObject distribution = HtmlReportFiles.Payload(HtmlReportWriter.Render(document))["llm"]!["distribution"]!.AsObject();

        // The document's keys below the maximum, which a "nines" axis cannot place.
        Values(distribution["percentiles"]).ShouldBe([50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99]);
        JsonNode row = distribution["rows"]!.AsArray().Single()!;
        row["label"]!.GetValue<string>().ShouldBe("POST chat");
        row["streams"]!.GetValue<long>().ShouldBe(4);

        // 4 TTFTs resolve 1.6 nines (to p95), 36 ITL gaps 2.6 (to p99): past that a curve would only repeat its maximum.
        Values(row["ttftMs"]).ShouldBe([.. ((string[])["50", "66", "75", "80", "90", "95"]).Select(k => (double?)Math.Round(llm.TtftMs.Percentiles[k], 3)), null, null, null, null]);
        Values(row["itlMs"]).ShouldBe([.. ((string[])["50", "66", "75", "80", "90", "95", "98", "99"]).Select(k => (double?)Math.Round(llm.ItlMs.Percentiles[k], 3)), null, null]);
    }

    /// <summary>A /health request and four streams of "chat": TTFT 100, 200, 300, 400 ms, then 9 more tokens 10 ms apart (20 prompt tokens each).</summary>
    internal static RunReportBuilder FourStreams(string? goodput = null)
    {
        RunReportBuilder builder = new();
        if (goodput is not null)
        {
            builder.WithGoodput(goodput);
        }

        builder.Request("GET", "/health", TimeSpan.FromSeconds(0.1), 2 * Ms);
        for (int i = 0; i < 4; i++)
        {
            builder.LlmStream("chat", TimeSpan.FromSeconds(0.5 * i), (i + 1) * 100 * Ms, 10 * Ms, tokens: 10);
        }

        return builder;
    }

    private static string Ms3(double value) => value.ToString("#,0.###", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The cells of each body row of the LLM table.</summary>
    private static List<List<string>> LlmTable(string html)
    {
        Match table = Regex.Match(html, "<table class=\"data\" id=\"llm-table\">.*?<tbody>(.*?)</tbody>", RegexOptions.Singleline);
        table.Success.ShouldBeTrue("the page has no #llm-table");
        return [.. Regex.Matches(table.Groups[1].Value, "<tr[^>]*>(.*?)</tr>", RegexOptions.Singleline)
            .Select(r => Cell().Matches(r.Groups[1].Value).Select(c => System.Net.WebUtility.HtmlDecode(c.Groups[1].Value)).ToList())];
    }

    private static List<double?> Values(JsonNode? array) =>
        [.. array!.AsArray().Select(v => v is null ? (double?)null : v.GetValue<double>())];

    [GeneratedRegex("<td[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cell();
}
