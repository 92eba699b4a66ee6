using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary>The report's Analysis section and Target sources table, from HtmlReport/run-target.json and variations of it.</summary>
public sealed class HtmlReportWriterAnalysisTests
{
    [Fact]
    public async Task Render_RunWithTarget_PageMatchesApproved()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithTargetAsync();

        string html = HtmlReportWriter.Render(document);

        HtmlReportFiles.ShouldMatchApproved(HtmlReportFiles.Structure(html), "report-target.approved.html");
    }

    [Fact]
    public async Task Render_RunWithTarget_PayloadMatchesApproved()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithTargetAsync();

        string html = HtmlReportWriter.Render(document);

        HtmlReportFiles.ShouldMatchApproved(HtmlReportFiles.Indented(HtmlReportFiles.Payload(html)), "payload-target.approved.json");
    }

    [Theory]
    [InlineData("run.json", "report.approved.html")]
    [InlineData("run-checks.json", "report-checks.approved.html")]
    public async Task Render_RunWithoutTargetOrVerdict_RendersAsBefore(string fixture, string approved)
    {
        RunDocument read = await RunDocumentReader.ReadAsync(Path.Combine(HtmlReportFiles.Directory, fixture));

        // As read from a document written before analyses existed, and as the mapper writes a live run that
        // watched nothing: an analysis without a verdict.
        foreach (RunDocument document in (RunDocument[])[read, read with { Analysis = new RunDocumentAnalysis { Bottleneck = null } }])
        {
            string html = HtmlReportWriter.Render(document);

            HtmlReportWriter.HasAnalysis(document).ShouldBeFalse();
            html.ShouldNotContain("id=\"analysis\"");
            html.ShouldNotContain("href=\"#analysis\"");
            html.ShouldNotContain("id=\"target\"");
            html.ShouldNotContain("href=\"#target\"");
            HtmlReportFiles.Payload(html).ContainsKey("analysis").ShouldBeFalse();
            HtmlReportFiles.ShouldMatchApproved(HtmlReportFiles.Structure(html), approved);
        }
    }

    [Fact]
    public async Task Render_RunWithTarget_AnalysisIsFirstAndNamesTheBottleneckWithItsEvidence()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithTargetAsync();

        string html = HtmlReportWriter.Render(document);

        // Right after the header and its verdict, before every chart of the run.
        int analysis = html.IndexOf("<section id=\"analysis\">", StringComparison.Ordinal);
        analysis.ShouldBeGreaterThan(html.IndexOf("id=\"verdict\"", StringComparison.Ordinal));
        analysis.ShouldBeLessThan(html.IndexOf("<section id=\"throughput\">", StringComparison.Ordinal));
        html.ShouldContain("<a href=\"#analysis\">Analysis</a>\n  <a href=\"#throughput\">Throughput</a>");
        html.ShouldContain("<p id=\"bottleneck\" class=\"verdict warn\" data-resource=\"cpu\"><strong>Bottleneck: cpu</strong> <span>The process (pid 4242) ran out of CPU: from second 10");
        html.ShouldContain("<div><dt>Knee</dt><dd>0:09–0:10<small>throughput plateau</small></dd></div>");
        html.ShouldContain("<div><dt>Offered at the knee</dt><dd>20<small>users</small></dd></div>");

        string[] rows = Rows(Table(html, "evidence-table"));
        rows.Length.ShouldBe(4);
        rows[0].ShouldBe("<td>cpu</td><td><code>process_cpu_seconds_total</code></td><td>pid 4242</td><td class=\"num\">1.96</td><td class=\"num\">2</td><td>cores</td><td class=\"num\">98%</td><td><span class=\"badge saturated\">saturated</span></td><td class=\"wrap\">1.96 of 2 cores (98%)</td>");
        rows[2].ShouldContain("<td><code>stampede_demo_queue_length{model=&quot;resnet18&quot;}</code></td>");
        rows[2].ShouldContain("<span class=\"badge high\">high</span>");
        rows[3].ShouldBe("<td>memory</td><td><code>process_resident_memory_bytes</code></td><td>pid 4242</td><td class=\"num\">192,000,000</td><td class=\"num\">–</td><td>bytes</td><td class=\"num\">–</td><td><span class=\"badge idle\">idle</span></td><td class=\"wrap\">183 MiB, steady (no capacity known)</td>");
        html.ShouldContain("<p class=\"coverage\" id=\"watched\"><strong>Watched:</strong> cpu, memory, queue, concurrency.</p>");
        html.ShouldContain("<strong>Not watched:</strong> gpu, gpu-memory, network, disk, replicas (no source measured them");
        Regex.Matches(Regex.Match(html, "<ul class=\"advice\" id=\"advice\">.*?</ul>", RegexOptions.Singleline).Value, "<li>").Count.ShouldBe(2);

        // One chart per watched resource, in the resources' order; the evidence-only series has none.
        Regex.Matches(html, "<figure data-resource=\"([a-z-]+)\">").Select(m => m.Groups[1].Value).ShouldBe(["cpu", "memory", "queue", "concurrency"]);
        html.ShouldContain("<figcaption><strong>memory</strong> · bytes</figcaption><div class=\"chart short resource\" id=\"chart-resource-1\">");
        html.ShouldContain("<figcaption><strong>cpu</strong> · % of capacity</figcaption><div class=\"chart short resource\" id=\"chart-resource-0\">");
    }

    [Fact]
    public async Task Render_RunWithTarget_PayloadHasTheKneeAndEachResourceNormalisedByItsCapacity()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithTargetAsync();

        JsonObject payload = HtmlReportFiles.Payload(HtmlReportWriter.Render(document));

        JsonObject analysis = payload["analysis"]!.AsObject();

        // History second 9 is drawn at its end, x = 10, as every point of the charts.
        analysis["knee"]!.GetValue<double>().ShouldBe(10);
        JsonArray resources = analysis["resources"]!.AsArray();
        resources.Select(r => r!["resource"]!.GetValue<string>()).ShouldBe(["cpu", "memory", "queue", "concurrency"]);
        RunDocumentTargetSeries cpu = document.Target!.Series.Single(s => s.Name == "process_cpu_seconds_total");
        JsonObject cpuLine = resources[0]!["lines"]!.AsArray().ShouldHaveSingleItem()!.AsObject();
        cpuLine["label"]!.GetValue<string>().ShouldBe("process_cpu_seconds_total · pid 4242");
        cpuLine["percent"]!.GetValue<bool>().ShouldBeTrue();
        cpuLine["capacity"]!.GetValue<double>().ShouldBe(2);
        Values(cpuLine["values"]).ShouldBe(document.History.Select(h => cpu.Values[(int)h.Second] is { } v ? (double?)Math.Round(v / 2 * 100, 3) : null));

        JsonObject memory = resources[1]!["lines"]!.AsArray().ShouldHaveSingleItem()!.AsObject();
        memory["percent"]!.GetValue<bool>().ShouldBeFalse();
        memory["capacity"].ShouldBeNull();
        Values(memory["values"]).ShouldBe(document.Target.Series.Single(s => s.Name == "process_resident_memory_bytes").Values);

        // The timed-out scrape of second 3 is a gap, not a zero.
        Values(resources[2]!["lines"]![0]!["values"])[3].ShouldBeNull();
        Values(payload["seconds"]).Count.ShouldBe(Values(resources[3]!["lines"]![0]!["values"]).Count);
    }

    [Fact]
    public async Task Render_RunWithTarget_TargetSourcesTableShowsEachSourcesScrapes()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithTargetAsync();

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain("<a href=\"#generator\">Generator health</a>\n  <a href=\"#target\">Target sources</a>\n  <a href=\"#settings\">Settings</a>");
        html.IndexOf("<section id=\"target\">", StringComparison.Ordinal).ShouldBeGreaterThan(html.IndexOf("<section id=\"generator\">", StringComparison.Ordinal));
        Rows(Table(html, "target-sources-table")).ShouldBe(
        [
            "<td>demo</td><td><code>http://127.0.0.1:8080/metrics</code></td><td>prometheus</td><td class=\"num\">21</td><td class=\"num failed\">1</td><td class=\"num\">1</td><td class=\"wrap\">timed out after 500 ms</td><td class=\"num\">3.412</td>",
            "<td>pid 4242</td><td><code>/proc/4242</code></td><td>process</td><td class=\"num\">21</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"wrap\">–</td><td class=\"num\">0.081</td>",
        ]);
        Rows(Table(html, "target-series-table")).Length.ShouldBe(5);
        html.ShouldContain("<td><code>stampede_demo_inference_seconds</code></td><td>demo</td><td>evidence only</td><td>p95</td><td>ms</td>");
        html.ShouldContain("<li><span class=\"at\">0:03.5</span> <span class=\"source\">demo</span> demo: the scrape of http://127.0.0.1:8080/metrics timed out after 500 ms</li>");
    }

    [Theory]
    [InlineData("none", "ok", "No saturation reached")]
    [InlineData("generator", "fail", "Bottleneck: generator")]
    [InlineData("errors", "fail", "Bottleneck: errors")]
    [InlineData("unknown", "warn", "Bottleneck: unknown")]
    public async Task Render_OtherVerdicts_HeadlineAndColourSayWhichOne(string resource, string cls, string headline)
    {
        RunDocument fixture = await HtmlReportFiles.ReadRunWithTargetAsync();
        RunDocument document = fixture with { Analysis = new RunDocumentAnalysis { Bottleneck = fixture.Analysis!.Bottleneck! with { Resource = resource } } };

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain($"<p id=\"bottleneck\" class=\"verdict {cls}\" data-resource=\"{resource}\"><strong>{headline}</strong>");
    }

    [Fact]
    public async Task Render_VerdictWithoutKneeOrTarget_HasNoKneeLineAndNoResourceCharts()
    {
        RunDocument fixture = await HtmlReportFiles.ReadRunWithTargetAsync();
        RunDocument document = fixture with
        {
            Target = null,
            Analysis = new RunDocumentAnalysis
            {
                Bottleneck = fixture.Analysis!.Bottleneck! with { Resource = "none", AtSecond = null, KneeKind = null, OfferedAtKnee = null, ThroughputAtKnee = null, P50AtKneeMs = null, Evidence = [] },
            },
        };

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain("<strong>No saturation reached</strong>");
        html.ShouldNotContain("id=\"knee\"");
        html.ShouldContain("id=\"evidence-empty\"");
        html.ShouldContain("id=\"resources-empty\"");
        html.ShouldNotContain("id=\"target\"");
        JsonObject analysis = HtmlReportFiles.Payload(html)["analysis"]!.AsObject();
        analysis["knee"].ShouldBeNull();
        analysis["resources"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Render_TargetWithoutVerdict_ChartsTheResourcesWithoutAHeadline()
    {
        RunDocument fixture = await HtmlReportFiles.ReadRunWithTargetAsync();
        RunDocument document = fixture with { Analysis = null };

        string html = HtmlReportWriter.Render(document);

        HtmlReportWriter.HasAnalysis(document).ShouldBeTrue();
        html.ShouldNotContain("id=\"bottleneck\"");
        html.ShouldContain("id=\"bottleneck-missing\"");
        Regex.Matches(html, "<figure data-resource=").Count.ShouldBe(4);
        HtmlReportFiles.Payload(html)["analysis"]!["knee"].ShouldBeNull();
    }

    [Fact]
    public async Task Render_NamesFromTheServerLikeMarkup_CannotBreakOutOfThePageOrTheScript()
    {
        RunDocument fixture = await HtmlReportFiles.ReadRunWithTargetAsync();
        const string hostile = "</script><script>alert(1)</script><b>";
        RunDocumentBottleneck bottleneck = fixture.Analysis!.Bottleneck!;
        RunDocument document = fixture with
        {
            Target = fixture.Target! with
            {
                Sources = [.. fixture.Target.Sources.Select(s => s with { Name = hostile + s.Name, LastError = hostile })],
                Series = [.. fixture.Target.Series.Select(s => s with { Source = hostile, Resource = s.Resource is null ? null : hostile + s.Resource, Labels = new Dictionary<string, string> { ["x"] = hostile } })],
                Warnings = [new RunDocumentTargetWarning { AtSeconds = 1, Source = hostile, Message = hostile }],
            },
            Analysis = new RunDocumentAnalysis
            {
                Bottleneck = bottleneck with
                {
                    Resource = hostile,
                    Summary = hostile,
                    Evidence = [.. bottleneck.Evidence.Select(e => e with { Series = hostile, Source = hostile, State = hostile, Detail = hostile, Unit = hostile })],
                    Watched = [hostile],
                    NotWatched = [hostile],
                    Advice = [hostile],
                },
            },
        };

        string html = HtmlReportWriter.Render(document);

        Regex.Matches(html, "</script", RegexOptions.IgnoreCase).Count.ShouldBe(3);
        html.ShouldNotContain("<b>");
        html.ShouldContain("<span class=\"badge other\">&lt;/script&gt;");
        JsonObject payload = HtmlReportFiles.Payload(html);
        payload["analysis"]!["resources"]![0]!["resource"]!.GetValue<string>().ShouldStartWith(hostile);
    }

    [Fact]
    public void Of_CapacityThatChangesOverTheRun_NormalisesEachSecondByItsOwn()
    {
        // The demo's ready workers: 1 for two seconds, then 2; a second without a capacity falls back to the fixed one.
        var series = new RunDocumentTargetSeries
        {
            Source = "demo",
            Name = "stampede_demo_workers_busy",
            Labels = new Dictionary<string, string>(),
            Resource = "concurrency",
            Unit = "workers",
            Kind = "gauge",
            Description = "Inference workers busy",
            Capacity = 4,
            Values = [1, 1, 1, 2, null],
            Capacities = [1, 1, 2, null, 2],
        };
        List<RunDocumentInterval> history = [.. Enumerable.Range(0, 5).Select(Interval)];

        HtmlReportResourceLine line = HtmlReportResourceLine.Of(series, history);

        line.Percent.ShouldBeTrue();
        line.Values.ShouldBe([100, 100, 50, 50, null]);
        line.Capacity.ShouldBe(2);
    }

    [Fact]
    public void Of_PercentSeriesWithoutCapacity_IsAlreadyAShareOf100()
    {
        var series = new RunDocumentTargetSeries
        {
            Source = "gpu",
            Name = "DCGM_FI_DEV_GPU_UTIL",
            Labels = new Dictionary<string, string> { ["gpu"] = "0" },
            Resource = "gpu",
            Unit = "percent",
            Kind = "gauge",
            Description = "GPU busy",
            Values = [12.5, 97],
        };

        HtmlReportResourceLine line = HtmlReportResourceLine.Of(series, [Interval(0), Interval(1)]);

        line.Percent.ShouldBeTrue();
        line.Values.ShouldBe([12.5, 97]);
        line.Label.ShouldBe("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"} · gpu");
    }

    private static RunDocumentInterval Interval(int second) => new()
    {
        Second = second,
        Start = DateTimeOffset.UnixEpoch.AddSeconds(second),
        DurationSeconds = 1,
        Users = 1,
        Aggregated = new RunDocumentIntervalRow { Requests = 0, Failures = 0, RequestsPerSecond = 0, FailuresPerSecond = 0, MinMs = 0, MaxMs = 0, AverageMs = 0, PercentilesMs = new Dictionary<string, double>() },
        Rows = [],
    };

    private static string Table(string html, string id) =>
        Regex.Match(html, $"<table class=\"data\" id=\"{id}\">.*?</table>", RegexOptions.Singleline).Value;

    private static string[] Rows(string table) =>
        [.. Regex.Matches(table, "<tr[^>]*>(.*?)</tr>", RegexOptions.Singleline).Skip(1).Select(m => m.Groups[1].Value)];

    private static List<double?> Values(JsonNode? array) =>
        [.. array!.AsArray().Select(v => v is null ? (double?)null : v.GetValue<double>())];
}
