using System.Collections.Immutable;
using System.Text.Json;
using Stampede.Analysis;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Reports;

/// <summary>
/// The crash-safe record of a run in progress: beside the JSON output, <c>&lt;json&gt;.partial</c> gets one JSON line
/// per second (the seconds closed since the last line, histograms included, and the run's totals so far), flushed each
/// second. When the generator is killed (<c>kill -9</c>, out of memory, a crash), <c>stampede report</c> and
/// <c>stampede compare</c> rebuild the run from it, losing at most its last second; when the run ends normally and its
/// outputs are written, the journal is removed.
/// </summary>
/// <remarks>
/// Each line holds only what is new (closed seconds, generator samples) plus the totals, which do not grow with the
/// run's length, so a line costs the same in the first minute and the tenth hour. Target telemetry is not journaled:
/// a rebuilt run has none.
/// </remarks>
internal sealed class RunJournal : IDisposable
{
    /// <summary>Appended to the output's path: <c>run.json.partial</c>.</summary>
    public const string Extension = ".partial";

    private readonly StreamWriter _writer;
    private readonly RunSettingsSummary _settings;
    private readonly string _toolVersion;
    private readonly Func<int?> _seed;
    private readonly IReadOnlyList<UserClassSummary> _classes;
    private readonly Lock _lock = new();
    private int _intervals;
    private int _samples;
    private bool _headerWritten;
    private bool _failed;

    private RunJournal(string path, StreamWriter writer, RunSettingsSummary settings, string toolVersion, Func<int?> seed, IReadOnlyList<UserClassSummary> classes)
    {
        Path = path;
        _writer = writer;
        _settings = settings;
        _toolVersion = toolVersion;
        _seed = seed;
        _classes = classes;
    }

    /// <summary>The journal's file.</summary>
    public string Path { get; }

    /// <summary>Where the journal of a run with these outputs goes: beside the JSON output, else beside the HTML report; <see langword="null"/> when the run writes neither.</summary>
    public static string? PathFor(string? jsonPath, string? htmlPath) =>
        jsonPath is not null ? jsonPath + Extension : htmlPath is not null ? htmlPath + Extension : null;

    /// <summary>Starts the journal of <paramref name="test"/> at <paramref name="path"/>, replacing an older one.</summary>
    /// <exception cref="IOException">The file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be created.</exception>
    public static RunJournal Start(string path, LoadTest test, RunSettingsSummary settings, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(test);
        OutputFile.EnsureDirectory(path);

        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 64 * 1024);
        var journal = new RunJournal(path, new StreamWriter(stream, new System.Text.UTF8Encoding(false)) { NewLine = "\n" }, settings, toolVersion, () => test.Seed, test.UserClasses);
        test.SnapshotTaken += journal.Append;
        return journal;
    }

    /// <summary>Writes the seconds closed since the last line and the totals of <paramref name="snapshot"/>, and flushes them to the system.</summary>
    public void Append(StatsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_lock)
        {
            if (_failed)
            {
                return;
            }

            try
            {
                RunDocument document = RunDocumentMapper.ToDocument(Interim(snapshot));
                if (!_headerWritten)
                {
                    _writer.WriteLine(JsonSerializer.Serialize(new RunJournalHeader { SchemaVersion = RunDocument.CurrentSchemaVersion, Tool = document.Tool, Run = document.Run }, RunJournalJsonContext.Relaxed.RunJournalHeader));
                    _headerWritten = true;
                }

                var line = new RunJournalSecond
                {
                    ElapsedSeconds = Math.Round(snapshot.Elapsed.TotalSeconds, 3),
                    Intervals = document.History,
                    Samples = document.Generator.Samples,
                    State = document with { History = [], Generator = document.Generator with { Samples = [] } },
                };
                _writer.WriteLine(JsonSerializer.Serialize(line, RunJournalJsonContext.Relaxed.RunJournalSecond));
                _writer.Flush();
                _intervals = snapshot.History.Count;
                _samples = snapshot.Generator.Samples.Count;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                // A full disk must not stop the measuring; the final outputs are still written at the end.
                _failed = true;
            }
        }
    }

    /// <summary>Removes the journal: the run's outputs were written.</summary>
    public void Complete()
    {
        Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind, it is still a valid record of the run.
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _failed = true;
            _writer.Dispose();
        }
    }

    /// <summary>The run so far, as an output would show it, with only the seconds and samples not yet journaled.</summary>
    private RunReport Interim(StatsSnapshot snapshot)
    {
        IReadOnlyList<IntervalStats> history = snapshot.History;
        IReadOnlyList<GeneratorSample> samples = snapshot.Generator.Samples;
        StatsSnapshot fresh = snapshot with
        {
            History = [.. Enumerable.Range(_intervals, Math.Max(0, history.Count - _intervals)).Select(i => history[i])],
            Generator = snapshot.Generator with { Samples = [.. samples.Skip(_samples)] },
            Target = TargetSnapshot.Empty,
        };
        return new RunReport
        {
            Result = new RunResult
            {
                Stats = fresh,
                StopReason = StopReason.Interrupted,
                Seed = _seed() ?? 0,
                EndedAt = snapshot.Timestamp,
                UserClasses = _classes,
                Validity = RunValidity.Judge(fresh with { History = history }),
            },
            Settings = _settings,
            ExitCode = 1,
            ToolVersion = _toolVersion,
        };
    }
}
