using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary>The report's drift table, soak verdict and drift lines, from HtmlReport/run-drift.json.</summary>
public sealed partial class HtmlReportWriterDriftTests
{
    [Fact]
    public async Task Render_RunWithDrift_PageMatchesApproved()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithDriftAsync();

        string html = HtmlReportWriter.Render(document);

        HtmlReportFiles.ShouldMatchApproved(HtmlReportFiles.Structure(html), "report-drift.approved.html");
    }

    [Fact]
    public async Task Render_RunWithDrift_PayloadMatchesApproved()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithDriftAsync();

        string html = HtmlReportWriter.Render(document);

        HtmlReportFiles.ShouldMatchApproved(HtmlReportFiles.Indented(HtmlReportFiles.Payload(html)), "payload-drift.approved.json");
    }

    [Fact]
    public async Task Render_RunWithDrift_DriftTableAndSoakVerdictInTheAnalysis()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithDriftAsync();

        string html = HtmlReportWriter.Render(document);

        int analysis = html.IndexOf("<section id=\"analysis\">", StringComparison.Ordinal);
        int drift = html.IndexOf("<h3 id=\"drift\">Drift over the run</h3>", StringComparison.Ordinal);
        drift.ShouldBeGreaterThan(analysis);
        drift.ShouldBeLessThan(html.IndexOf("<h3>Over the run</h3>", StringComparison.Ordinal), "the table comes before the charts");
        html.ShouldContain("<p id=\"soak-verdict\" class=\"verdict fail\"><strong>Soak: FAILED</strong> <span>drift: p95 of Aggregated rising; drift: p95 of POST predict rising; drift: process_resident_memory_bytes of demo rising.</span></p>");
        string[] rows = [.. RowElement().Matches(TableElement().Match(html).Value).Select(m => m.Value)];
        rows.Length.ShouldBe(5);
        rows[2].ShouldStartWith("<tr data-verdict=\"rising\" data-metric=\"latency\"><td>p95 of POST predict</td><td><span class=\"badge saturated\">rising (fails --soak)</span></td><td class=\"num\">5.53 ms</td><td class=\"num\">4.64 … 6.4 ms</td><td class=\"num\">+7.37 ms</td>");
        rows[1].ShouldContain("<span class=\"badge idle\">stable</span>");
        rows[3].ShouldStartWith("<tr data-verdict=\"stable\" data-metric=\"throughput\"><td>requests/s</td>");
        rows[4].ShouldContain("<td>process_resident_memory_bytes of demo</td>");
        rows[4].ShouldContain("<td class=\"num\">114 MiB</td>");

        // --soak's checks are counted with the others in the verdict under the header.
        html.ShouldContain("<p id=\"checks-verdict\" class=\"verdict fail\"><strong>Checks: FAILED 3 of 4</strong>");
        html.ShouldContain("<p class=\"coverage\" id=\"soak-checks\"><strong>FAILED</strong>");
        html.ShouldContain("<dt>Drift, Theil–Sen slope</dt>");
    }

    [Fact]
    public async Task Render_RunWithDrift_PayloadHasOneFittedLinePerSeries()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithDriftAsync();

        JsonObject payload = HtmlReportFiles.Payload(HtmlReportWriter.Render(document));

        JsonArray lines = payload["analysis"]!["drift"]!.AsArray();
        lines.Select(l => (string)l!["label"]!).ShouldBe(["Aggregated", "GET /health", "POST predict", "Aggregated", "process_resident_memory_bytes · demo"]);
        JsonNode predict = lines[2]!;
        ((double)predict["from"]!).ShouldBe(10);
        ((double)predict["to"]!).ShouldBe(90);
        ((double)predict["end"]! - (double)predict["start"]!).ShouldBe(8, 1, "0.1 ms a second over 80 s, with noise of 1.5 ms");

        // The memory line is labelled as its resource chart's line, so the page draws it on that chart.
        payload["analysis"]!["resources"]!.AsArray().Single(r => (string)r!["resource"]! == "memory")!["lines"]!.AsArray()
            .Select(l => (string)l!["label"]!).ShouldContain((string)lines[4]!["label"]!);
    }

    [Fact]
    public async Task Render_DriftAloneWithoutABottleneck_StillHasAnAnalysisSection()
    {
        RunDocument read = await HtmlReportFiles.ReadRunWithDriftAsync();
        RunDocument document = read with { Analysis = read.Analysis! with { Bottleneck = null }, Target = null };

        string html = HtmlReportWriter.Render(document);

        HtmlReportWriter.HasAnalysis(document).ShouldBeTrue();
        html.ShouldContain("<a href=\"#analysis\">Analysis</a>");
        html.ShouldContain("id=\"drift-table\"");
    }

    [GeneratedRegex("<table class=\"data\" id=\"drift-table\">.*?</table>", RegexOptions.Singleline)]
    private static partial Regex TableElement();

    [GeneratedRegex("<tr data-verdict=.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex RowElement();
}
