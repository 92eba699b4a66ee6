using Stampede.Analysis;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary><c>analysis.coldStart</c> through the JSON document and back, and in the HTML report's Analysis section.</summary>
public sealed class RunDocumentColdStartTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stampede-cold-report-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task ExportAsync_ColdStart_RoundTripsWithTheDocumentedFields()
    {
        RunReport report = WithColdStart();
        var exporter = new JsonExporter(Path.Combine(_directory, "run.json"));

        await exporter.ExportAsync(report);
        string json = await File.ReadAllTextAsync(exporter.Path);
        RunDocument document = await RunDocumentReader.ReadAsync(exporter.Path);

        foreach (string field in (string[])["\"coldStart\"", "\"readySeconds\"", "\"firstRequestMs\"", "\"steadyP50Ms\"", "\"penaltyMs\"", "\"warmupSeconds\"", "\"warmup\"", "\"steady\"", "\"steadyRequests\""])
        {
            json.ShouldContain(field);
        }

        RunDocumentColdStart cold = document.Analysis!.ColdStart!;
        cold.Command.ShouldBe("python serve.py");
        cold.ReadySeconds.ShouldBe([2.5, 2.1, 2.3]);
        cold.Method.ShouldBe("POST");
        cold.Name.ShouldBe("predict");
        cold.FirstRequestMs.ShouldBe([420, 380, 400]);
        cold.SteadyP50Ms.ShouldBe(20);
        cold.PenaltyMs.ShouldBe(380);
        cold.WarmupSeconds.ShouldBe(2);
        cold.Warmup!.Requests.ShouldBe(20);
        cold.Warmup.P50Ms!.Value.ShouldBe(200, tolerance: 0.2);
        cold.Steady.Requests.ShouldBe(30);
        cold.Rows.ShouldHaveSingleItem().SteadyRequests.ShouldBe(30);
    }

    [Fact]
    public void Render_ColdStart_AddsTheAnalysisSectionWithTheStartsAndTheWarmup()
    {
        RunDocument document = RunDocumentMapper.ToDocument(WithColdStart());

        string html = HtmlReportWriter.Render(document);

        HtmlReportWriter.HasAnalysis(document).ShouldBeTrue();
        html.ShouldContain("href=\"#analysis\"");
        html.ShouldContain("<div id=\"cold-start\">");
        html.ShouldContain("<strong>Ready in 2.30 s</strong>");
        html.ShouldContain("<code>python serve.py</code>, ready once <code>http://127.0.0.1:8080/ready</code> answered 2xx");
        html.ShouldContain("<tr><td class=\"num\">2</td><td class=\"num\">2.100</td><td class=\"num\">380</td></tr>");
        html.ShouldContain("<dt>Penalty</dt><dd>+380<small>ms</small></dd>");
        html.ShouldContain("<strong>Warm-up</strong> (the run's first 2 s, left out of the steady p50): 20 requests, 0 failed");
        html.ShouldContain("<dt>Ready time, first request, penalty</dt>");
    }

    [Fact]
    public void Render_NoColdStart_HasNoColdStartBlock()
    {
        RunReport report = WithColdStart();
        RunDocument document = RunDocumentMapper.ToDocument(report with { Result = report.Result with { ColdStart = null } });

        string html = HtmlReportWriter.Render(document);

        html.ShouldNotContain("id=\"cold-start\"");
        html.ShouldNotContain("Ready time, first request, penalty");
    }

    /// <summary>Five seconds of 10 POST predict a second: the first two at 200 ms (the warm-up), the rest at 20 ms; three starts.</summary>
    private static RunReport WithColdStart()
    {
        var builder = new RunReportBuilder();
        for (int i = 0; i < 50; i++)
        {
            builder.Request("POST", "predict", TimeSpan.FromSeconds((i + 0.5) / 10), TimeSpan.FromMilliseconds(i < 20 ? 200 : 20));
        }

        RunReport report = builder.Build(TimeSpan.FromSeconds(5));
        var row = new RowKey("POST", "predict");
        ColdStartTrial[] trials = [.. new[] { (2.5, 420.0), (2.1, 380.0), (2.3, 400.0) }.Select(t => new ColdStartTrial
        {
            ReadySeconds = t.Item1,
            FirstRequests = [new FirstRequestSample { Row = row, LatencyMs = t.Item2 }],
            Command = "python serve.py",
            ReadyUrl = "http://127.0.0.1:8080/ready",
        })];
        ColdStartAnalysis cold = ColdStartAnalyzer.Analyze(trials, report.Result.Stats.History, TimeSpan.FromSeconds(2))!;
        return report with { Result = report.Result with { ColdStart = cold } };
    }
}
