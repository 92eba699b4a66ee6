using Stampede.Reports;
using Stampede.Tool.Commands;

namespace Stampede.Tool.Tests.Commands;

public sealed class ReportCommandTests : IDisposable
{
    /// <summary>The HTML report tests' fixed run document (a 20-second, 3-row run), linked into this project's output.</summary>
    private static readonly string s_fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "run.json");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stampede-tool-tests", Guid.NewGuid().ToString("N"));
    private readonly StringWriter _output = new();
    private readonly StringWriter _errors = new();

    public ReportCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        _output.Dispose();
        _errors.Dispose();
    }

    [Fact]
    public async Task RunAsync_SavedDocument_WritesItsReport()
    {
        string target = Path.Combine(_directory, "out", "report.html");

        int exit = await ReportCommand.RunAsync(s_fixture, target, _output, _errors, CancellationToken.None);

        exit.ShouldBe(0);
        _errors.ToString().ShouldBeEmpty();
        _output.ToString().ShouldContain($"Wrote {target}");
        string html = await File.ReadAllTextAsync(target);
        html.ShouldBe(HtmlReportWriter.Render(await RunDocumentReader.ReadAsync(s_fixture)));
        html.ShouldContain("496 requests, 18 failed (3.63%)");
    }

    [Fact]
    public async Task RunAsync_SavedDocumentWithChecks_WritesTheChecksToo()
    {
        string document = Path.Combine(AppContext.BaseDirectory, "Fixtures", "run-checks.json");
        string target = Path.Combine(_directory, "report.html");

        int exit = await ReportCommand.RunAsync(document, target, _output, _errors, CancellationToken.None);

        exit.ShouldBe(0);
        string html = await File.ReadAllTextAsync(target);
        html.ShouldBe(HtmlReportWriter.Render(await RunDocumentReader.ReadAsync(document)));
        html.ShouldContain("<strong>Checks: FAILED 4 of 8</strong>");
        html.ShouldContain("<td class=\"result fail\">FAIL</td>");
        html.ShouldContain("248.5% <small>overspent</small>");
        html.ShouldContain("<td class=\"regressed\" rowspan=\"5\"");
    }

    [Fact]
    public async Task RunAsync_JournalWithJson_RebuildsTheRunIntoADocumentAndAReport()
    {
        string journal = await JournalOfFixtureAsync();
        string json = Path.Combine(_directory, "rebuilt.json");
        string html = Path.Combine(_directory, "rebuilt.html");

        int exit = await ReportCommand.RunAsync(journal, html, _output, _errors, CancellationToken.None, json);

        exit.ShouldBe(0, _errors.ToString());
        RunDocument original = await RunDocumentReader.ReadAsync(s_fixture);
        _output.ToString().ShouldContain($"Rebuilt an interrupted run from its journal: {original.History.Count} seconds, {original.Aggregated.Requests} requests.");
        _output.ToString().ShouldContain($"Wrote {json}");
        RunDocument rebuilt = await RunDocumentReader.ReadAsync(json);
        rebuilt.Run.Interrupted.ShouldBeTrue();
        rebuilt.History.Count.ShouldBe(original.History.Count);
        rebuilt.Rows.Select(r => (r.Name, r.Requests, r.PercentilesMs["99"])).ShouldBe(original.Rows.Select(r => (r.Name, r.Requests, r.PercentilesMs["99"])));
        (await File.ReadAllTextAsync(html)).ShouldContain("<p id=\"interrupted\"");
    }

    [Fact]
    public async Task RunAsync_JournalWithJsonOnly_WritesNoHtml()
    {
        string journal = await JournalOfFixtureAsync();
        string json = Path.Combine(_directory, "run.json");

        int exit = await ReportCommand.RunAsync(journal, null, _output, _errors, CancellationToken.None, json);

        exit.ShouldBe(0, _errors.ToString());
        File.Exists(json).ShouldBeTrue();
        Directory.EnumerateFiles(_directory, "*.html").ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_JournalWithoutOutputs_WritesTheReportWithoutPartialInItsName()
    {
        string journal = await JournalOfFixtureAsync();

        int exit = await ReportCommand.RunAsync(journal, null, _output, _errors, CancellationToken.None);

        exit.ShouldBe(0, _errors.ToString());
        File.Exists(Path.Combine(_directory, "journal.html")).ShouldBeTrue();
    }

    [Fact]
    public async Task RunAsync_NoOutput_WritesBesideTheDocument()
    {
        string document = Path.Combine(_directory, "run.json");
        File.Copy(s_fixture, document);

        int exit = await ReportCommand.RunAsync(document, null, _output, _errors, CancellationToken.None);

        exit.ShouldBe(0);
        File.Exists(Path.Combine(_directory, "run.html")).ShouldBeTrue();
    }

    [Fact]
    public async Task RunAsync_MissingDocument_ExitsTwoNamingTheFile()
    {
        string missing = Path.Combine(_directory, "nope.json");

        int exit = await ReportCommand.RunAsync(missing, Path.Combine(_directory, "r.html"), _output, _errors, CancellationToken.None);

        exit.ShouldBe(2);
        _errors.ToString().ShouldContain($"'{missing}' does not exist");
        File.Exists(Path.Combine(_directory, "r.html")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("not json at all", "is not valid JSON")]
    [InlineData("{\"schemaVersion\": 99}", "schemaVersion 99")]
    [InlineData("{\"schemaVersion\": 1}", "is not a valid Stampede run document")]
    public async Task RunAsync_InvalidDocument_ExitsTwoWithTheReason(string content, string reason)
    {
        string document = Path.Combine(_directory, "bad.json");
        await File.WriteAllTextAsync(document, content);

        int exit = await ReportCommand.RunAsync(document, Path.Combine(_directory, "r.html"), _output, _errors, CancellationToken.None);

        exit.ShouldBe(2);
        _errors.ToString().ShouldStartWith("error: ");
        _errors.ToString().ShouldContain(reason);
        File.Exists(Path.Combine(_directory, "r.html")).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_OutputIsTheDocument_ExitsTwoAndKeepsTheDocument()
    {
        string document = Path.Combine(_directory, "run.json");
        File.Copy(s_fixture, document);

        int exit = await ReportCommand.RunAsync(document, document, _output, _errors, CancellationToken.None);

        exit.ShouldBe(2);
        _errors.ToString().ShouldBe($"error: --output '{document}' is the run document itself; give another file, e.g. report.html.{Environment.NewLine}");
        (await File.ReadAllTextAsync(document)).ShouldBe(await File.ReadAllTextAsync(s_fixture));
    }

    /// <summary>The fixture run written as its journal would have been: a header, then one line per second with the totals.</summary>
    private async Task<string> JournalOfFixtureAsync()
    {
        RunDocument document = await RunDocumentReader.ReadAsync(s_fixture);
        var lines = new List<string>
        {
            System.Text.Json.JsonSerializer.Serialize(new RunJournalHeader { SchemaVersion = document.SchemaVersion, Tool = document.Tool, Run = document.Run }, RunJournalJsonContext.Relaxed.RunJournalHeader),
        };
        RunDocument state = document with
        {
            History = [],
            Generator = document.Generator with { Samples = [] },
            Rows = [.. document.Rows.Select(r => r with { Histogram = null })],
            Aggregated = document.Aggregated with { Histogram = null },
        };
        foreach (RunDocumentInterval interval in document.History)
        {
            RunJournalSecond line = new()
            {
                ElapsedSeconds = interval.Second + interval.DurationSeconds,
                Intervals = [interval],
                Samples = [.. document.Generator.Samples.Where(s => s.Second == interval.Second + 1)],
                State = state,
            };
            lines.Add(System.Text.Json.JsonSerializer.Serialize(line, RunJournalJsonContext.Relaxed.RunJournalSecond));
        }

        string path = Path.Combine(_directory, "journal.json" + RunJournal.Extension);
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    [Fact]
    public async Task StampedeTool_ReportCommand_ParsesDocumentAndOutput()
    {
        string target = Path.Combine(_directory, "cli.html");

        int exit = await StampedeTool.RunAsync(["report", s_fixture, "-o", target]);

        exit.ShouldBe(0);
        File.Exists(target).ShouldBeTrue();
    }
}
