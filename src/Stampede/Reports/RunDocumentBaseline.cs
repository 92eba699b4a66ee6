using Stampede.Analysis;

namespace Stampede.Reports;

/// <summary>Reads a <see cref="Baseline"/> out of a run document, so that <c>stampede compare A.json B.json</c> and <c>--baseline run.json</c> work on <c>--json</c> output too.</summary>
internal static class RunDocumentBaseline
{
    /// <summary>The baseline of the run <paramref name="document"/> describes; the same as <see cref="Baseline.FromSnapshot"/> of that run.</summary>
    public static Baseline FromDocument(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new Baseline
        {
            StartedAt = document.Run.StartedAt,
            DurationSeconds = document.Run.DurationSeconds,
            Rows = [.. document.Rows.Select(r => ToRow(r, document.History, i => i.Rows.FirstOrDefault(x => x.Method == r.Method && x.Name == r.Name)))],
            Aggregated = ToRow(document.Aggregated, document.History, i => i.Aggregated),
        };
    }

    private static BaselineRow ToRow(RunDocumentRow row, IReadOnlyList<RunDocumentInterval> history, Func<RunDocumentInterval, RunDocumentIntervalRow?> inInterval) => new()
    {
        Method = row.Method,
        Name = row.Name,
        Requests = row.Requests,
        Failures = row.Failures,
        RequestsPerSecond = row.RequestsPerSecond,
        ErrorRate = row.FailureRatio,
        P50Ms = Percentile(row.Requests, row.PercentilesMs, 50),
        P95Ms = Percentile(row.Requests, row.PercentilesMs, 95),
        P99Ms = Percentile(row.Requests, row.PercentilesMs, 99),
        Seconds = [.. history.Select(interval => inInterval(interval) is { } second
            ? new BaselineSecond
            {
                Second = interval.Second,
                DurationSeconds = interval.DurationSeconds,
                Requests = second.Requests,
                Failures = second.Failures,
                P50Ms = Percentile(second.Requests, second.PercentilesMs, 50),
                P95Ms = Percentile(second.Requests, second.PercentilesMs, 95),
                P99Ms = Percentile(second.Requests, second.PercentilesMs, 99),
            }
            : new BaselineSecond { Second = interval.Second, DurationSeconds = interval.DurationSeconds, Requests = 0, Failures = 0, P50Ms = 0, P95Ms = 0, P99Ms = 0 })],
    };

    private static double Percentile(long requests, IReadOnlyDictionary<string, double> percentiles, double percentile) =>
        requests > 0 && percentiles.TryGetValue(RunDocumentMapper.PercentileKey(percentile), out double ms) ? ms : 0;
}
