using CsCheck;
using Stampede.Reports;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Tests.Fuzzing;

/// <summary>
/// What <c>stampede report</c> and <c>stampede compare</c> read back — run documents and run journals — mutated at
/// random: each is read and rendered, or refused with an <see cref="InvalidDataException"/> that says why; none crashes or
/// hangs.
/// </summary>
public sealed class RunDocumentFuzzTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Read_MutatedDocuments_ReadOrRefuseWithTheReason()
    {
        string document = await File.ReadAllTextAsync(Reports.HtmlReportFiles.RunDocumentPath);

        await Task.Run(() => Mutations.Of(document).Sample(Refused, iter: 400)).WaitAsync(Bound);
    }

    [Fact]
    public async Task Read_MutatedJournals_ReadOrRefuseWithTheReason()
    {
        string journal = await JournalAsync();

        await Task.Run(() => Mutations.Of(journal).Sample(Refused, iter: 400)).WaitAsync(Bound);
    }

    [Fact]
    public async Task Read_JournalWithADamagedHistogram_IsRefusedSayingSo()
    {
        string journal = (await JournalAsync()).Replace("\"histogram\":\"", "\"histogram\":\"AAAA", StringComparison.Ordinal);

        InvalidDataException error = Should.Throw<InvalidDataException>(() => RunDocumentReader.Read(journal));

        error.Message.ShouldContain("a histogram is damaged");
    }

    private static void Refused(string text)
    {
        try
        {
            // What `stampede report` does with it: read, then render.
            HtmlReportWriter.Render(RunDocumentReader.Read(text)).ShouldNotBeNullOrEmpty();
        }
        catch (InvalidDataException refusal)
        {
            refusal.Message.ShouldNotBeNullOrWhiteSpace();
        }
    }

    /// <summary>The fixed run document written as its journal: a header, then a line a second.</summary>
    private static async Task<string> JournalAsync()
    {
        RunDocument document = await RunDocumentReader.ReadAsync(Reports.HtmlReportFiles.RunDocumentPath);
        var lines = new List<string>
        {
            System.Text.Json.JsonSerializer.Serialize(new RunJournalHeader { SchemaVersion = document.SchemaVersion, Tool = document.Tool, Run = document.Run }, RunJournalJsonContext.Relaxed.RunJournalHeader),
        };
        RunDocument state = document with { History = [], Generator = document.Generator with { Samples = [] } };
        foreach (RunDocumentInterval interval in document.History.Take(5))
        {
            var line = new RunJournalSecond { ElapsedSeconds = interval.Second + 1, Intervals = [interval], Samples = [], State = state };
            lines.Add(System.Text.Json.JsonSerializer.Serialize(line, RunJournalJsonContext.Relaxed.RunJournalSecond));
        }

        return string.Join('\n', lines) + "\n";
    }
}
