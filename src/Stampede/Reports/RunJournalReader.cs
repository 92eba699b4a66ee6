using System.Globalization;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using Stampede.Metrics;

namespace Stampede.Reports;

/// <summary>
/// Rebuilds a run from its journal (<see cref="RunJournal"/>) after the generator was killed: every journaled second,
/// the totals of the last complete line, the rows' histograms merged from the seconds' histograms, and the run marked as
/// interrupted. A last line cut short by the kill is left out.
/// </summary>
internal static class RunJournalReader
{
    /// <summary>The header's <c>journal</c> value.</summary>
    public const string Kind = "stampede-run";

    /// <summary>Whether <paramref name="utf8"/> starts like a journal (its first line names <see cref="Kind"/>).</summary>
    public static bool IsJournal(ReadOnlySpan<byte> utf8)
    {
        int end = utf8.IndexOf((byte)'\n');
        ReadOnlySpan<byte> first = end < 0 ? utf8 : utf8[..end];
        return first.StartsWith("{\"journal\":"u8);
    }

    /// <summary>The run the journal in <paramref name="utf8"/> records.</summary>
    /// <exception cref="InvalidDataException">It is not a journal, of another schema, or holds no complete second.</exception>
    public static RunDocument Rebuild(ReadOnlySpan<byte> utf8, string source)
    {
        RunJournalHeader? header = null;
        RunJournalSecond? last = null;
        var intervals = new List<RunDocumentInterval>();
        var samples = new List<RunDocumentGeneratorSample>();
        int lineNumber = 0;
        int cut = 0;
        while (utf8.Length > 0)
        {
            int end = utf8.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? utf8 : utf8[..end];
            utf8 = end < 0 ? [] : utf8[(end + 1)..];
            lineNumber++;
            if (line.IsEmpty)
            {
                continue;
            }

            try
            {
                if (header is null)
                {
                    header = JsonSerializer.Deserialize(line, RunJournalJsonContext.Relaxed.RunJournalHeader)
                        ?? throw new InvalidDataException($"{source} does not start with a Stampede run journal's header.");
                    if (header.Journal != Kind || header.SchemaVersion != RunDocument.CurrentSchemaVersion)
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{source} is a journal of schemaVersion {header.SchemaVersion}, but this build of Stampede reads schemaVersion {RunDocument.CurrentSchemaVersion} only. Open it with the Stampede version that wrote it ({header.Tool.Version})."));
                    }

                    continue;
                }

                RunJournalSecond second = JsonSerializer.Deserialize(line, RunJournalJsonContext.Relaxed.RunJournalSecond)
                    ?? throw new JsonException("a null line");
                intervals.AddRange(second.Intervals);
                samples.AddRange(second.Samples);
                last = second;
            }
            catch (JsonException e)
            {
                if (header is null)
                {
                    throw new InvalidDataException($"{source} is not a Stampede run journal: its first line is not a journal header ({e.Message}).", e);
                }

                if (!utf8.IsEmpty && utf8.IndexOfAnyExcept((byte)'\n', (byte)'\r') >= 0)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{source} is damaged: line {lineNumber} is not a journal line ({e.Message}); only its last line may be cut short."), e);
                }

                cut++;
            }
        }

        if (header is null || last is null)
        {
            throw new InvalidDataException($"{source} holds no complete second of the run: the generator stopped before its first second was journaled.");
        }

        try
        {
            return Document(header, last, intervals, samples, cut > 0);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source} is damaged: {e.Message}.", e);
        }
    }

    private static RunDocument Document(RunJournalHeader header, RunJournalSecond last, List<RunDocumentInterval> intervals, List<RunDocumentGeneratorSample> samples, bool cut)
    {
        RunDocument state = last.State;
        double elapsed = last.ElapsedSeconds;
        string reason = string.Create(
            CultureInfo.InvariantCulture,
            $"the run was interrupted after {elapsed:0.#} s: the generator stopped before writing its outputs, and this document was rebuilt from its journal{(cut ? " (its last line, cut short, is left out)" : string.Empty)}");
        RunDocumentValidity validity = state.Validity ?? new RunDocumentValidity { Verdict = "INVALID", Reasons = [] };
        return state with
        {
            Run = header.Run with
            {
                EndedAt = header.Run.StartedAt.AddSeconds(elapsed),
                DurationSeconds = elapsed,
                StopReason = "interrupted",
                ExitCode = 1,
                Interrupted = true,
            },
            Rows = [.. state.Rows.Select(r => r with { Histogram = Merge(intervals.SelectMany(i => i.Rows).Where(i => i.Method == r.Method && i.Name == r.Name).Select(i => i.Histogram)) })],
            Aggregated = state.Aggregated with { Histogram = Merge(intervals.Select(i => i.Aggregated.Histogram)) },
            History = intervals,
            Generator = state.Generator with { Samples = samples },
            Validity = validity with { Verdict = "INVALID", Reasons = [.. validity.Reasons, reason] },
        };
    }

    /// <summary>The seconds' histograms added into one: a run's histogram is exactly the sum of its seconds'.</summary>
    private static string? Merge(IEnumerable<string?> encoded)
    {
        LongHistogram? merged = null;
        foreach (string? histogram in encoded)
        {
            if (histogram is null)
            {
                continue;
            }

            HistogramBase decoded = HistogramCodec.DecodeBase64(histogram);
            merged ??= new LongHistogram(decoded.LowestTrackableValue, decoded.HighestTrackableValue, decoded.NumberOfSignificantValueDigits);
            merged.Add(decoded);
        }

        return merged is null ? null : Convert.ToBase64String(HistogramCodec.Encode(merged));
    }
}
