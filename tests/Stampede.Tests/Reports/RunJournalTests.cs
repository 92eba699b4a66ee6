using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Stampede.Gates;
using Stampede.Reports;
using Stampede.Core.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Stampede.Tests.Reports;

/// <summary>
/// The crash-safe journal: a scenario process killed with SIGKILL mid-run leaves <c>run.json.partial</c>, from which the
/// run is rebuilt with every second but the last; a journal cut short or damaged is read or refused with the reason.
/// </summary>
public sealed class RunJournalTests : IAsyncLifetime
{
    private readonly string _outputs = Path.Combine(Path.GetTempPath(), "stampede-journal-tests", Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _log;
    private LoopbackServer _server = null!;

    public RunJournalTests(ITestOutputHelper log)
    {
        _log = log;
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_outputs);
        _server = await LoopbackServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_outputs, recursive: true);
    }

    [Fact]
    public async Task Process_Kill9_LeavesAJournalThatRebuildsEverySecondButTheLast()
    {
        string journal = await KilledRunAsync();

        RunDocument document = await RunDocumentReader.ReadAsync(journal);

        _log.WriteLine($"{document.History.Count} seconds, {document.Aggregated.Requests} requests; the server saw {_server.Requests}");
        document.Run.Interrupted.ShouldBeTrue();
        document.Run.StopReason.ShouldBe("interrupted");
        document.Validity!.Verdict.ShouldBe("INVALID");
        document.Validity.Reasons[^1].ShouldStartWith("the run was interrupted after ");
        document.History.Select(i => i.Second).ShouldBe(Enumerable.Range(0, document.History.Count).Select(i => (long)i), "every second, in order");
        document.History.Count.ShouldBeGreaterThanOrEqualTo(4);
        document.Run.UserClasses.Single().Name.ShouldBe("SteadyUser");
        document.Generator.Samples.Count.ShouldBeGreaterThanOrEqualTo(3);

        // 3 users at 10 requests/s: at most the last journaled second and the one in progress are lost.
        long seconds = document.History.Sum(i => i.Aggregated.Requests);
        document.Aggregated.Requests.ShouldBeGreaterThanOrEqualTo(seconds);
        (_server.Requests - seconds).ShouldBeInRange(0, 3 * 10 * 2 + 3);
        RunDocumentRow ok = document.Rows.Single();
        ok.Name.ShouldBe("/ok");
        ok.Histogram.ShouldNotBeNull("the row's histogram is the sum of its seconds'");

        // The rebuilt run renders and compares as any other.
        string html = Path.Combine(_outputs, "report.html");
        await HtmlReportWriter.WriteAsync(document, html);
        (await File.ReadAllTextAsync(html)).ShouldContain("<p id=\"interrupted\" class=\"coverage\"><strong>Interrupted after ");
        var output = new StringWriter();
        var errors = new StringWriter();
        int compared = await RunComparison.RunAsync(journal, journal, Path.Combine(_outputs, "compare.html"), "50%", output, errors, CancellationToken.None);
        compared.ShouldBe(0, errors.ToString() + output);
    }

    [Fact]
    public async Task Rebuild_LastLineCutShort_IsLeftOutAndSaidSo()
    {
        string journal = await KilledRunAsync();
        string[] lines = await File.ReadAllLinesAsync(journal);
        string cut = Path.Combine(_outputs, "cut.json.partial");
        await File.WriteAllTextAsync(cut, string.Join('\n', lines[..^1]) + "\n" + lines[^1][..(lines[^1].Length / 2)]);

        RunDocument whole = await RunDocumentReader.ReadAsync(journal);
        RunDocument rebuilt = await RunDocumentReader.ReadAsync(cut);

        rebuilt.Validity!.Reasons[^1].ShouldContain("its last line, cut short, is left out");
        rebuilt.History.Count.ShouldBeLessThan(whole.History.Count);
        rebuilt.History.Count.ShouldBeGreaterThanOrEqualTo(whole.History.Count - 2);
    }

    [Fact]
    public async Task Rebuild_DamagedLineInTheMiddle_IsRefusedNamingTheLine()
    {
        string journal = await KilledRunAsync();
        string[] lines = await File.ReadAllLinesAsync(journal);
        lines[2] = lines[2][..20];
        string damaged = Path.Combine(_outputs, "damaged.json.partial");
        await File.WriteAllLinesAsync(damaged, lines);

        InvalidDataException error = await Should.ThrowAsync<InvalidDataException>(() => RunDocumentReader.ReadAsync(damaged));

        error.Message.ShouldContain("line 3 is not a journal line");
    }

    [Fact]
    public async Task Rebuild_HeaderOnly_SaysNoSecondWasJournaled()
    {
        string journal = await KilledRunAsync();
        string header = (await File.ReadAllLinesAsync(journal))[0] + "\n";

        InvalidDataException error = Should.Throw<InvalidDataException>(() => RunDocumentReader.Read(header));

        error.Message.ShouldContain("holds no complete second of the run");
    }

    [Fact]
    public void Rebuild_FirstLineNotAHeader_IsRefused()
    {
        InvalidDataException error = Should.Throw<InvalidDataException>(() => RunDocumentReader.Read("{\"journal\":\"stampede-run\",\"run\":{}}\n"));

        error.Message.ShouldContain("is not a Stampede run journal");
    }

    [Fact]
    public void IsJournal_DocumentAndJournal_AreTold()
    {
        RunJournalReader.IsJournal("{\"journal\":\"stampede-run\",\"schemaVersion\":1}\n{}"u8).ShouldBeTrue();
        RunJournalReader.IsJournal("{\n  \"schemaVersion\": 1"u8).ShouldBeFalse();
    }

    /// <summary>Runs the test scenario (3 users, 10 requests/s each) until its journal holds at least 5 seconds, then kills it with SIGKILL.</summary>
    private async Task<string> KilledRunAsync()
    {
        string json = Path.Combine(_outputs, Guid.NewGuid().ToString("N"), "run.json");
        string journal = json + RunJournal.Extension;
        string app = Path.Combine(AppContext.BaseDirectory, "Stampede.TestScenario.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { app, "--host", _server.Address, "-u", "3", "-r", "10", "-t", "2m", "--headless", "--json", json },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Eventually.TrueAsync(() => Lines(journal) >= 6, "the journal holds five seconds", timeoutMs: 40_000);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        File.Exists(json).ShouldBeFalse("a killed run writes no outputs: only its journal is left");
        return journal;
    }

    private static int Lines(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Count(c => c == '\n');
    }
}
