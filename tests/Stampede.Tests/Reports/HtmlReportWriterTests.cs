using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HdrHistogram;
using Stampede.Metrics;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

public sealed class HtmlReportWriterTests : IDisposable
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
    public async Task Render_FixedRun_PageMatchesApproved()
    {
        RunDocument document = await HtmlReportFiles.ReadRunAsync();

        string html = HtmlReportWriter.Render(document);

        HtmlReportFiles.ShouldMatchApproved(HtmlReportFiles.Structure(html), "report.approved.html");
    }

    [Fact]
    public async Task Render_FixedRun_PayloadMatchesApproved()
    {
        RunDocument document = await HtmlReportFiles.ReadRunAsync();

        string html = HtmlReportWriter.Render(document);

        HtmlReportFiles.ShouldMatchApproved(HtmlReportFiles.Indented(HtmlReportFiles.Payload(html)), "payload.approved.json");
    }

    [Fact]
    public async Task Render_FixedRun_SeriesAreTheDocumentsIntervals()
    {
        RunDocument document = await HtmlReportFiles.ReadRunAsync();

        JsonObject payload = HtmlReportFiles.Payload(HtmlReportWriter.Render(document));

        Values(payload["seconds"]).ShouldBe(document.History.Select(h => (double?)Math.Round(h.Second + h.DurationSeconds, 3)));
        Values(payload["users"]).ShouldBe(document.History.Select(h => (double?)h.Users));
        Values(payload["requestsPerSecond"]).ShouldBe(document.History.Select(h => (double?)Math.Round(h.Aggregated.RequestsPerSecond, 3)));
        Values(payload["failuresPerSecond"]).ShouldBe(document.History.Select(h => (double?)Math.Round(h.Aggregated.FailuresPerSecond, 3)));
        JsonArray rows = payload["rows"]!.AsArray();
        rows.Select(r => r!["label"]!.GetValue<string>()).ShouldBe(["Aggregated", "GET /health", "POST predict large", "POST predict small"]);

        // predict large: each second's own p99, and a gap (null) in the seconds it completed nothing.
        List<double?> expected = [.. document.History.Select(h => h.Rows.SingleOrDefault(r => r.Name == "predict large") is { Requests: > 0 } r ? (double?)r.PercentilesMs["99"] : null)];
        expected.ShouldContain((double?)null);
        Values(rows[2]!["p99"]).ShouldBe(expected);

        // /health completed one request in 4 of the 21 seconds.
        Values(rows[1]!["p50"]).Count(v => v is not null).ShouldBe(4);
    }

    [Fact]
    public async Task Render_FixedRun_DistributionIsTheHistogramsPercentileCurve()
    {
        RunDocument document = await HtmlReportFiles.ReadRunAsync();

        JsonObject distribution = HtmlReportFiles.Payload(HtmlReportWriter.Render(document))["distribution"]!.AsObject();

        List<double?> percentiles = Values(distribution["percentiles"]);
        percentiles[0].ShouldBe(0);
        percentiles[HtmlReportPayload.PointsPerDecade].ShouldBe(90);
        percentiles[2 * HtmlReportPayload.PointsPerDecade].ShouldBe(99);
        percentiles.ShouldBeInOrder(SortDirection.Ascending);
        JsonArray rows = distribution["rows"]!.AsArray();
        rows.Select(r => r!["label"]!.GetValue<string>()).ShouldBe(["Aggregated", "GET /health", "POST predict large", "POST predict small"]);
        foreach (JsonNode? node in rows)
        {
            RunDocumentRow row = node!["label"]!.GetValue<string>() == "Aggregated" ? document.Aggregated : document.Rows.Single(r => HtmlReportPayload.Label(r) == node["label"]!.GetValue<string>());
            HistogramBase histogram = HistogramCodec.Decode(Convert.FromBase64String(row.Histogram!));
            List<double?> ms = Values(node["ms"]);
            List<double> drawn = [.. ms.TakeWhile(v => v is not null).Select(v => v!.Value)];

            // The curve starts at the exact minimum, never falls, ends flat at the exact maximum,
            // and reads the median as every other output does.
            drawn[0].ShouldBe(row.MinMs);
            drawn.ShouldBeInOrder(SortDirection.Ascending);
            drawn[^1].ShouldBe(row.MaxMs);
            for (int i = 1; i < drawn.Count; i++)
            {
                drawn[i].ShouldBe(Math.Round(Math.Clamp(histogram.GetValueAtPercentile(percentiles[i]!.Value) / 1000.0, row.MinMs, row.MaxMs), 3));
            }

            // Each curve runs one decade past the depth its count resolves: log10(496) + 1 for all 496 requests.
            drawn.Count.ShouldBe((int)Math.Ceiling(Math.Min(6, Math.Log10(row.Requests) + 1) * HtmlReportPayload.PointsPerDecade) + 1);
        }
    }

    [Fact]
    public async Task Render_FixedRun_TablesShowTheDocumentsNumbers()
    {
        RunDocument document = await HtmlReportFiles.ReadRunAsync();

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain("<p id=\"verdict\" class=\"verdict fail\"><strong>Failed</strong> <span>Run ended because the run time elapsed after 20.4 s: 496 requests, 18 failed (3.63%), 1 error raised by user code, 1 generator warning");
        string large = Regex.Match(html, "<tr><td>POST</td><td>predict large</td>.*?</tr>").Value;
        large.ShouldContain("<td class=\"num\">171</td><td class=\"num\">17</td><td class=\"num\">9.94%</td>");
        string percentiles = Regex.Match(html, "<table class=\"data\" id=\"percentiles-table\">.*?</table>", RegexOptions.Singleline).Value;
        foreach (RunDocumentRow row in document.Rows.Append(document.Aggregated))
        {
            string line = Regex.Match(percentiles, $"<td>{Regex.Escape(row.Method)}</td><td>{Regex.Escape(row.Name)}</td>(.*?)</tr>").Groups[1].Value;
            string[] cells = [.. Regex.Matches(line, ">([^<]*)</td>").Select(m => m.Groups[1].Value)];
            cells.ShouldBe(row.PercentilesMs.Values.Select(v => v.ToString("#,0.###", CultureInfo.InvariantCulture)));
        }

        // MLPerf's minimums: /health's 4 requests are too few from p90 on (6 cells); the other rows'
        // 171 to 496 are enough for p90 … p98 but not for p99, p99.9 and p99.99 (3 × 3 cells).
        Regex.Matches(percentiles, "<td class=\"num few\"").Count.ShouldBe(6 + (3 * 3));
        html.ShouldContain("<td class=\"wrap\">HTTP 503 Service Unavailable</td><td class=\"num\">17</td>");
        html.ShouldContain("<summary>The feeder ran out of images.</summary>");
        html.ShouldContain("Generator CPU usage above 90%");
    }

    [Fact]
    public async Task Render_ValidRunWithIndicativePercentiles_ListsThemUnderTheVerdict()
    {
        RunDocument fixture = await HtmlReportFiles.ReadRunAsync();
        RunDocument document = fixture with
        {
            Validity = new RunDocumentValidity { Verdict = "VALID", Reasons = [], Notes = ["row POST predict large has 645 samples: too few for p99 (p99 needs 662)"] },
        };

        string html = HtmlReportWriter.Render(document);

        html.ShouldNotContain("<ul class=\"validity\" id=\"validity\">");
        html.ShouldContain("<ul class=\"validity-notes\" id=\"validity-notes\">\n<li>Indicative: row POST predict large has 645 samples: too few for p99 (p99 needs 662)</li>");
    }

    [Fact]
    public async Task Render_InvalidRunWithItsOwnSampleCounts_SaysWhyAndShadesWhatTheDocumentSays()
    {
        RunDocument fixture = await HtmlReportFiles.ReadRunAsync();
        RunDocument document = fixture with
        {
            Run = fixture.Run with { ExitCode = 0 },
            Validity = new RunDocumentValidity { Verdict = "INVALID", Reasons = ["the aggregated row has 496 samples: too few for p99 (p99 needs 662)"] },
            Aggregated = fixture.Aggregated with { InsufficientPercentiles = ["99.99"] },
        };

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain("<p id=\"verdict\" class=\"verdict warn\"><strong>Invalid</strong>");
        html.ShouldContain("1 generator warning (its latencies may include its own queueing); INVALID. Exit code 0.");
        html.ShouldContain("<ul class=\"validity\" id=\"validity\">\n<li>the aggregated row has 496 samples: too few for p99 (p99 needs 662)</li>");
        string aggregated = Regex.Match(html, "<tr class=\"total\"><td></td><td>Aggregated</td><td class=\"num[^\"]*\"[^>]*>174.975</td>.*?</tr>").Value;
        Regex.Matches(aggregated, "class=\"num few\"").Count.ShouldBe(1);
    }

    [Fact]
    public async Task Render_RowNamedLikeMarkup_CannotBreakOutOfTheTableOrTheScript()
    {
        RunDocument fixture = await HtmlReportFiles.ReadRunAsync();
        const string hostile = "</script><script>alert(1)</script><b>";
        RunDocument document = fixture with
        {
            Rows = [.. fixture.Rows.Select(r => r.Name == "predict small" ? r with { Name = hostile } : r)],
            History = [.. fixture.History.Select(h => h with { Rows = [.. h.Rows.Select(r => r.Name == "predict small" ? r with { Name = hostile } : r)] })],
        };

        string html = HtmlReportWriter.Render(document);

        Regex.Matches(html, "</script", RegexOptions.IgnoreCase).Count.ShouldBe(3);
        html.ShouldNotContain("<b>");
        html.ShouldContain("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;");
        HtmlReportFiles.Payload(html)["rows"]!.AsArray().Select(r => r!["label"]!.GetValue<string>()).ShouldContain("POST " + hostile);
    }

    [Theory]
    [InlineData("run.json")]
    [InlineData("run-checks.json")]
    public async Task Render_Page_LinksToNothingOutsideItself(string fixture)
    {
        RunDocument document = await RunDocumentReader.ReadAsync(Path.Combine(HtmlReportFiles.Directory, fixture));

        string html = HtmlReportWriter.Render(document);

        // Every src/href is in-page (#…) or inline data; no stylesheet import or url() reaches out.
        foreach (Match attribute in Regex.Matches(html, "\\b(?:src|href)\\s*=\\s*[\"']?([^\"'\\s>]*)", RegexOptions.IgnoreCase))
        {
            attribute.Groups[1].Value.ShouldMatch("^(#|data:)", $"{attribute.Value} would be fetched");
        }

        html.ShouldNotContain("@import");
        Regex.IsMatch(html, "url\\(\\s*['\"]?(?!data:)", RegexOptions.IgnoreCase).ShouldBeFalse();
        html.ShouldContain("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';");
    }

    [Fact]
    public void Resources_BuiltIntoTheAssembly_AreUPlotPinnedByThePackageLock()
    {
        HtmlReportWriter.UPlotVersion.ShouldBe("1.6.32");
        HtmlReportWriter.Resource("uPlot.min.css").ShouldContain(".uplot");
        HtmlReportWriter.Resource("uPlot.LICENSE").ShouldContain("MIT");
    }

    [Fact]
    public async Task ExportAsync_LiveRun_WritesThePageOfItsDocument()
    {
        RunReport report = new RunReportBuilder()
            .WithUsers(3)
            .Request("GET", "/a", TimeSpan.FromSeconds(0.5), TimeSpan.FromMilliseconds(12))
            .Request("POST", "/b", TimeSpan.FromSeconds(1.5), TimeSpan.FromMilliseconds(30), error: "HTTP 503 Service Unavailable")
            .Build(TimeSpan.FromSeconds(2));
        var exporter = new HtmlExporter(Path.Combine(_directory, "nested", "report.html"));

        await exporter.ExportAsync(report);

        string html = await File.ReadAllTextAsync(exporter.Path);
        html.ShouldBe(HtmlReportWriter.Render(RunDocumentMapper.ToDocument(report)));
        html.ShouldStartWith("<!DOCTYPE html>");
        HtmlReportFiles.Payload(html)["users"]!.AsArray().Count.ShouldBe(2);
        html.ShouldContain("<td class=\"wrap\">HTTP 503 Service Unavailable</td><td class=\"num\">1</td>");
    }

    [Fact]
    public void Render_RunWithoutRequests_RendersEmptySectionsAndAnEmptyPayload()
    {
        RunDocument document = RunDocumentMapper.ToDocument(new RunReportBuilder().Build(TimeSpan.FromSeconds(0.5)));

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain("id=\"failures-empty\"");
        html.ShouldContain("id=\"errors-empty\"");
        html.ShouldContain("id=\"warnings-empty\"");
        JsonObject payload = HtmlReportFiles.Payload(html);
        payload["distribution"]!["rows"]!.AsArray().ShouldBeEmpty();
    }

    private static List<double?> Values(JsonNode? array) =>
        [.. array!.AsArray().Select(v => v is null ? (double?)null : v.GetValue<double>())];
}
