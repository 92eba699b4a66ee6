using System.Text.RegularExpressions;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

public sealed partial class HtmlReportWriterChecksTests
{
    [Fact]
    public async Task Render_RunWithChecks_PageMatchesApproved()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithChecksAsync();

        string html = HtmlReportWriter.Render(document);

        HtmlReportFiles.ShouldMatchApproved(HtmlReportFiles.Structure(html), "report-checks.approved.html");
    }

    [Fact]
    public async Task Render_RunWithChecks_ChartsAreTheSameRunsCharts()
    {
        RunDocument withChecks = await HtmlReportFiles.ReadRunWithChecksAsync();
        RunDocument without = await HtmlReportFiles.ReadRunAsync();

        string payload = HtmlReportFiles.Payload(HtmlReportWriter.Render(withChecks)).ToJsonString();

        // The checks are tables only: the page's chart data stays what payload.approved.json approves.
        payload.ShouldBe(HtmlReportFiles.Payload(HtmlReportWriter.Render(without)).ToJsonString());
    }

    [Fact]
    public async Task Render_RunWithChecks_VerdictLineCountsAndNamesTheFailedChecks()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithChecksAsync();

        string html = HtmlReportWriter.Render(document);

        // 3 thresholds + 2 objectives + 3 compared rows (GET /health is new, so not compared); failed: the
        // error-rate threshold, the one without data, the missed objective and the regressed row.
        string verdict = Regex.Match(html, "<p id=\"checks-verdict\" class=\"verdict fail\"><strong>Checks: FAILED 4 of 8</strong> <span>(.*?)</span></p>").Groups[1].Value;
        verdict.ShouldBe(
            "&quot;predict large&quot;: error_rate&lt;5% (error_rate = 9.942%); "
            + "&quot;predict medium&quot;: p99&lt;500ms (p99 = no data (no requests named &quot;predict medium&quot;)); "
            + "SLO large images available (90.058% &lt; 96%); "
            + "POST predict large regressed against the baseline. <a href=\"#checks\">Details</a>");
        html.IndexOf("id=\"checks-verdict\"", StringComparison.Ordinal).ShouldBeGreaterThan(html.IndexOf("id=\"verdict\"", StringComparison.Ordinal));
        html.ShouldContain("<a href=\"#checks\">Checks</a>\n  <a href=\"#throughput\">Throughput</a>");
        html.IndexOf("<section id=\"checks\">", StringComparison.Ordinal).ShouldBeLessThan(html.IndexOf("<section id=\"throughput\">", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Render_RunWithChecks_ThresholdsShowLimitMeasuredValueAndResult()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithChecksAsync();

        string table = Table(HtmlReportWriter.Render(document), "thresholds-table");

        Rows(table).ShouldBe(
        [
            "<td><code>p95&lt;400ms</code></td><td>all requests</td><td class=\"num\">400 ms</td><td class=\"num\">307.455 ms</td><td class=\"result pass\">pass</td><td class=\"wrap\"></td>",
            "<td><code>&quot;predict large&quot;: error_rate&lt;5%</code></td><td>predict large</td><td class=\"num\">5%</td><td class=\"num\">9.942%</td><td class=\"result fail\">FAIL</td><td class=\"wrap\"></td>",
            "<td><code>&quot;predict medium&quot;: p99&lt;500ms</code></td><td>predict medium</td><td class=\"num\">500 ms</td><td class=\"num\">–</td><td class=\"result nodata\">NO DATA</td><td class=\"wrap\">no requests named &quot;predict medium&quot;</td>",
        ]);
    }

    [Fact]
    public async Task Render_RunWithChecks_SlosShowComplianceOverspentBudgetAndWorstWindow()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithChecksAsync();

        string table = Table(HtmlReportWriter.Render(document), "slos-table");

        string[] rows = Rows(table);
        rows.Length.ShouldBe(2);
        rows[0].ShouldBe("<td>latency</td><td>all requests</td><td>99% of requests under 400 ms</td><td class=\"result pass\">pass</td>"
            + "<td class=\"num\">99.597%</td><td class=\"num\">2 of 496</td><td class=\"num\">40.3%</td><td class=\"wrap\">99.597% in 0:00–0:20 (20 s, 2 of 496 bad)</td>");

        // 17 bad of 171 where a 96% objective allows 6.84: 248.5% of the budget, marked as overspent.
        rows[1].ShouldBe("<td>large images available</td><td>predict large</td><td>error rate under 4%</td><td class=\"result fail\">FAIL</td>"
            + "<td class=\"num\">90.058%</td><td class=\"num\">17 of 171</td><td class=\"num overspent\" title=\"more bad requests than the objective allows\">248.5% <small>overspent</small></td>"
            + "<td class=\"wrap\">90.058% in 0:00–0:20 (20 s, 17 of 171 bad)</td>");
    }

    [Fact]
    public async Task Render_RunWithChecks_BaselineMarksTheRegressedRowAndItsMetrics()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithChecksAsync();

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain("<p class=\"baseline-source\" id=\"baseline-source\">This run compared with out/baseline.json, tolerance &#177;10%.</p>");
        string[] rows = Rows(Table(html, "baseline-table"));
        rows.Length.ShouldBe(5 + 5 + 1 + 5);
        rows[0].ShouldStartWith("<td rowspan=\"5\">POST predict large</td><td class=\"regressed\" rowspan=\"5\" title=\"p95 261.375 ms → 332.799 ms (+27.3%), beyond &#177;10% and significant");
        rows[0].ShouldEndWith("\">regressed</td><td>p50 (ms)</td><td class=\"num\">219.135</td><td class=\"num\">226.943</td><td class=\"num unchanged\">+3.6%</td><td class=\"num\">0.4127</td><td class=\"unchanged\" title=\"p50 219.135 ms → 226.943 ms (+3.6%), within &#177;10%\">unchanged</td>");
        rows[1].ShouldStartWith("<td>p95 (ms)</td><td class=\"num\">261.375</td><td class=\"num\">332.799</td><td class=\"num regressed\">+27.3%</td><td class=\"num\">0.0003</td><td class=\"regressed\" title=");
        rows[2].ShouldContain("<td class=\"num regressed\">+24.2%</td><td class=\"num\">0.0021</td>");

        // Beyond the tolerance but not significant: unchanged, and said so.
        rows[4].ShouldStartWith("<td>Error rate</td><td class=\"num\">5.882%</td><td class=\"num\">9.942%</td><td class=\"num unchanged\">+69.0%</td><td class=\"num\">0.1712</td>");
        rows[4].ShouldEndWith(">unchanged (beyond the tolerance, but noise)</td>");

        rows[5].ShouldStartWith("<td rowspan=\"5\">POST predict small</td><td class=\"unchanged\" rowspan=\"5\"");
        string.Concat(rows[5..10]).ShouldNotContain("regressed");
        rows[9].ShouldContain("<td class=\"num unchanged\">0.0%</td><td class=\"num\">–</td>");
        rows[10].ShouldBe("<td>GET /health</td><td class=\"not-compared\" title=\"new in this run: the baseline has no such requests\">not compared</td><td colspan=\"6\" class=\"wrap\">new in this run: the baseline has no such requests</td>");
        Regex.Matches(Table(html, "baseline-table"), "<tr class=\"total\">").Count.ShouldBe(5);
    }

    [Fact]
    public async Task Render_ThresholdAbortedTheRun_SaysSoAboveTheTablesAndInTheVerdict()
    {
        RunDocument fixture = await HtmlReportFiles.ReadRunWithChecksAsync();
        RunDocument document = fixture with
        {
            Run = fixture.Run with { StopReason = "thresholdAborted" },
            Thresholds = [fixture.Thresholds![0] with { Expression = "p95<400ms abort after 5s", Abort = true, AbortedRun = true }],
            Slos = null,
            Baseline = null,
        };

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain("<span>Run ended because an abort threshold failed after 20.4 s:");
        html.ShouldContain("<p class=\"verdict fail aborted\"><strong>Aborted</strong> <span>p95&lt;400ms abort after 5s failed during the run and stopped it early; the numbers below are of the run until then.</span></p>");
        html.ShouldContain("<td class=\"result pass\">pass</td><td class=\"wrap\">stopped the run early (abort)</td>");
        html.ShouldContain("<strong>Checks: FAILED 1 of 1</strong> <span>p95&lt;400ms abort after 5s aborted the run.");
        html.ShouldNotContain("id=\"slos-table\"");
        html.ShouldNotContain("id=\"baseline-table\"");
    }

    [Fact]
    public async Task Render_EveryCheckPassed_VerdictLineSaysPassed()
    {
        RunDocument fixture = await HtmlReportFiles.ReadRunWithChecksAsync();
        RunDocument document = fixture with
        {
            Thresholds = [fixture.Thresholds![0]],
            Slos = [fixture.Slos![0]],
            Baseline = fixture.Baseline! with { Rows = [.. fixture.Baseline.Rows.Where(r => r.Verdict != "regressed")] },
        };

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain("<p id=\"checks-verdict\" class=\"verdict ok\"><strong>Checks: passed 4 of 4</strong> <span>Every threshold, objective and compared row passed. <a href=\"#checks\">Details</a></span></p>");
        html.ShouldNotContain("class=\"result fail\"");
        html.ShouldNotContain("class=\"num overspent\"");
    }

    [Fact]
    public async Task Render_RunWithoutChecks_HasNoChecksPart()
    {
        RunDocument document = await HtmlReportFiles.ReadRunAsync();

        string html = HtmlReportWriter.Render(document);

        HtmlReportWriter.HasChecks(document).ShouldBeFalse();
        html.ShouldNotContain("#checks");
        html.ShouldNotContain("id=\"checks");
        html.ShouldContain("<nav class=\"toc\">\n  <a href=\"#throughput\">Throughput</a>");
    }

    [Fact]
    public async Task Render_ChecksNamedLikeMarkup_AreEncoded()
    {
        RunDocument fixture = await HtmlReportFiles.ReadRunWithChecksAsync();
        const string hostile = "<b>\"x\"</b>";
        RunDocument document = fixture with
        {
            Thresholds = [.. fixture.Thresholds!.Select(t => t with { Expression = hostile, Row = hostile, Note = hostile })],
            Slos = [.. fixture.Slos!.Select(s => s with { Name = hostile, Row = hostile })],
            Baseline = fixture.Baseline! with { Source = hostile, Rows = [.. fixture.Baseline.Rows.Select(r => r with { Name = hostile, Reason = hostile })] },
        };

        string html = HtmlReportWriter.Render(document);

        html.ShouldNotContain("<b>");
        html.ShouldContain("&lt;b&gt;&quot;x&quot;&lt;/b&gt;");
        html.ShouldContain("title=\"&lt;b&gt;&quot;x&quot;&lt;/b&gt;\"");
    }

    /// <summary>The table with <paramref name="id"/>.</summary>
    private static string Table(string html, string id)
    {
        Match match = Regex.Match(html, $"<table class=\"data\" id=\"{id}\">.*?</table>", RegexOptions.Singleline);
        match.Success.ShouldBeTrue($"the page has no table #{id}");
        return match.Value;
    }

    /// <summary>The cells of each body row of <paramref name="table"/>.</summary>
    private static string[] Rows(string table) =>
        [.. BodyRow().Matches(table[table.IndexOf("<tbody>", StringComparison.Ordinal)..]).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("<tr[^>]*>(.*?)</tr>")]
    private static partial Regex BodyRow();
}
