using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary>
/// The Analysis section's autoscaling verdict and chart, from HtmlReport/run-target.json with a replica series and an
/// <c>analysis.autoscaling</c> added: a spike at second 5, scale-out 4 s and recovery 8 s after it, the load falling at 15
/// and the replicas 3 s later; and, in a real Chromium, the chart with its five marks.
/// </summary>
public sealed class HtmlReportAutoscalingTests(HtmlReportBrowserTests.BrowserFixture browser) : IClassFixture<HtmlReportBrowserTests.BrowserFixture>, IDisposable
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
    public async Task Render_AutoscalingVerdict_ShowsItFirstInTheAnalysisWithItsCardsChartAndDefinitions()
    {
        RunDocument document = await WithAutoscalingAsync();

        string html = HtmlReportWriter.Render(document);

        int section = html.IndexOf("<section id=\"analysis\">", StringComparison.Ordinal);
        int verdict = html.IndexOf("<p id=\"autoscaling\" class=\"verdict ok\" data-verdict=\"PASS\"><strong>Autoscaling: PASS</strong> <span>Recovered 8 s after the spike, within --max-recovery 60 s; the series rose from 1 to 3 workers 4 s after it.</span></p>", StringComparison.Ordinal);
        verdict.ShouldBeGreaterThan(section);
        verdict.ShouldBeLessThan(html.IndexOf("id=\"bottleneck\"", StringComparison.Ordinal));
        html.ShouldContain("<strong>Replicas:</strong> <code>stampede_demo_workers_current</code> from demo; <strong>recovered</strong> when p95&lt;300ms held on every second for 10 s; <strong>passes</strong> within 60 s of the spike.");
        html.ShouldContain("<div><dt>Spike</dt><dd>0:05<small>10 → 20 users</small></dd></div>");
        html.ShouldContain("<div><dt>Scale-out</dt><dd>4 s<small>after the spike</small></dd></div>");
        html.ShouldContain("<div><dt>Recovery</dt><dd>8 s<small>limit 60 s</small></dd></div>");
        html.ShouldContain("<div><dt>Peak p95</dt><dd>912.5<small>ms</small></dd></div>");
        html.ShouldContain("<div><dt>Failed in the spike</dt><dd>7<small>to the recovery</small></dd></div>");
        html.ShouldContain("<div><dt>Replicas</dt><dd>1 → 3 → 2<small>before, max, end</small></dd></div>");
        html.ShouldContain("<div><dt>Scale-in</dt><dd>3 s<small>after the drop</small></dd></div>");
        html.ShouldContain("<div class=\"chart\" id=\"chart-autoscaling\"></div>");
        html.ShouldContain("<dt>Spike, scale-out, recovery</dt>");
    }

    [Fact]
    public async Task Render_AutoscalingVerdict_PayloadHasTheReplicasOfferedLoadAndMarks()
    {
        RunDocument document = await WithAutoscalingAsync();

        JsonObject payload = HtmlReportFiles.Payload(HtmlReportWriter.Render(document));

        JsonObject a = payload["analysis"]!["autoscaling"]!.AsObject();
        a["verdict"]!.GetValue<string>().ShouldBe("PASS");
        a["offeredUnit"]!.GetValue<string>().ShouldBe("users");
        a["offered"]!.AsArray().Select(v => v!.GetValue<double>()).ShouldBe(document.History.Select(h => (double)h.Users));
        a["replicas"]!.AsArray().Select(v => v?.GetValue<double>()).ShouldBe(document.History.Select(h => (double?)Replicas((int)h.Second)));
        a["replicasLabel"]!.GetValue<string>().ShouldBe("stampede_demo_workers_current");
        a["replicasUnit"]!.GetValue<string>().ShouldBe("workers");
        a["marks"]!.AsArray().Select(m => (m!["kind"]!.GetValue<string>(), m["x"]!.GetValue<double>()))
            .ShouldBe([("spike", 5), ("scale-out", 9), ("recovery", 13), ("drop", 15), ("scale-in", 18)]);
    }

    [Fact]
    public async Task Render_FailedAutoscalingAlone_MakesTheAnalysisSectionAppearInRed()
    {
        RunDocument read = await HtmlReportFiles.ReadRunAsync();
        RunDocument document = read with { Analysis = new RunDocumentAnalysis { Autoscaling = Verdict() with { Verdict = "FAIL", Reason = "no source exposes stampede_demo_workers_current (scraped: demo)", MatchedSeries = null, Source = null, ReplicasBefore = null } } };

        string html = HtmlReportWriter.Render(document);

        HtmlReportWriter.HasAnalysis(document).ShouldBeTrue();
        html.ShouldContain("<a href=\"#analysis\">Analysis</a>");
        html.ShouldContain("<p id=\"autoscaling\" class=\"verdict fail\" data-verdict=\"FAIL\"><strong>Autoscaling: FAIL</strong> <span>No source exposes stampede_demo_workers_current (scraped: demo).</span></p>");
        html.ShouldContain("<code>stampede_demo_workers_current</code> (no source exposed it)");
        html.ShouldNotContain("<dt>Replicas</dt>");
        HtmlReportFiles.Payload(html)["analysis"]!["autoscaling"]!["replicas"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Report_WithAutoscaling_DrawsTheChartWithTheSpikeScaleOutAndRecoveryMarkedInOrder()
    {
        string path = Path.Combine(_directory, "report-autoscaling.html");
        await HtmlReportWriter.WriteAsync(await WithAutoscalingAsync(), path);
        await using HtmlReportBrowserTests.PageProbe probe = await browser.OpenAsync();

        await probe.Page.GotoAsync(new Uri(path).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        await probe.Page.WaitForSelectorAsync("body[data-charts-ready]", new() { State = WaitForSelectorState.Attached });

        (await probe.Page.Locator("#chart-autoscaling .uplot canvas").CountAsync()).ShouldBe(1);
        ILocator marks = probe.Page.Locator("#chart-autoscaling .scale-mark");
        (await marks.CountAsync()).ShouldBe(5);
        (await marks.AllInnerTextsAsync()).ShouldBe(["spike", "scale-out", "recovered", "load falls", "scale-in"]);
        double[] lefts = [.. await Task.WhenAll(Enumerable.Range(0, 5).Select(i => marks.Nth(i).EvaluateAsync<double>("l => l.getBoundingClientRect().left")))];
        for (int i = 0; i < 5; i++)
        {
            (await marks.Nth(i).IsVisibleAsync()).ShouldBeTrue();
        }

        // x = 5, 9, 13, 15 and 18 s on one linear axis: evenly spaced by the seconds between them.
        lefts.ShouldBeInOrder(SortDirection.Ascending);
        double perSecond = (lefts[1] - lefts[0]) / 4;
        perSecond.ShouldBeGreaterThan(5);
        (lefts[4] - lefts[0]).ShouldBe(13 * perSecond, tolerance: 2);

        // The chart's cursor is the section's: hovering it moves the throughput chart's cursor.
        ILocator over = probe.Page.Locator("#chart-autoscaling .u-over");
        await over.ScrollIntoViewIfNeededAsync();
        var box = (await over.BoundingBoxAsync())!;
        await probe.Page.Mouse.MoveAsync(box.X + (box.Width * 0.5f), box.Y + (box.Height * 0.5f));
        (await probe.Page.Locator("#chart-analysis-throughput .u-cursor-x").IsVisibleAsync()).ShouldBeTrue();
        probe.Problems.ShouldBeEmpty();
        probe.Requests.ShouldAllBe(r => r.StartsWith("file://", StringComparison.Ordinal));
    }

    private static int Replicas(int second) => second < 9 ? 1 : second < 18 ? 3 : 2;

    private static RunDocumentAutoscaling Verdict() => new()
    {
        Verdict = "PASS",
        Reason = "recovered 8 s after the spike, within --max-recovery 60 s; the series rose from 1 to 3 workers 4 s after it",
        Failures = [],
        Series = "stampede_demo_workers_current",
        MatchedSeries = "stampede_demo_workers_current",
        Source = "demo",
        Unit = "workers",
        Thresholds = ["p95<300ms"],
        StableForSeconds = 10,
        MaxRecoverySeconds = 60,
        SpikeAtSecond = 5,
        OfferedUnit = "users",
        OfferedBefore = 10,
        OfferedAtSpike = 20,
        ScaleOutSeconds = 4,
        RecoverySeconds = 8,
        PeakP95Ms = 912.5,
        ErrorsDuringSpike = 7,
        ReplicasBefore = 1,
        ReplicasMax = 3,
        ReplicasAfter = 2,
        LoadDropAtSecond = 15,
        ScaleInSeconds = 3,
    };

    private static async Task<RunDocument> WithAutoscalingAsync()
    {
        RunDocument document = await HtmlReportFiles.ReadRunWithTargetAsync();
        var workers = new RunDocumentTargetSeries
        {
            Source = "demo",
            Name = "stampede_demo_workers_current",
            Labels = new Dictionary<string, string>(),
            Resource = "replicas",
            Unit = "workers",
            Kind = "gauge",
            Description = "inference workers, cold-starting ones included",
            Values = [.. document.History.Select(h => (double?)Replicas((int)h.Second))],
        };
        return document with
        {
            Target = document.Target! with { Series = [.. document.Target.Series, workers] },
            Analysis = document.Analysis! with { Autoscaling = Verdict() },
        };
    }
}
