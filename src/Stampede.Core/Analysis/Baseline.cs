using Stampede.Metrics;

namespace Stampede.Analysis;

/// <summary>
/// What a later run needs to be compared with this one (<c>--save-baseline</c>): per row, the run's
/// requests, rate, error rate and p50/p95/p99, and the same per second for the statistical check.
/// </summary>
/// <remarks>Saved and loaded by <see cref="BaselineFile"/> as versioned JSON.</remarks>
internal sealed record Baseline
{
    /// <summary>The value of <see cref="Format"/>: tells a baseline from a run document or another JSON file.</summary>
    public const string FormatName = "stampede-baseline";

    /// <summary>The schema version this build writes and reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>Version of the file's shape; bumped on any incompatible change.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Wall-clock start of the run.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Length of the run, seconds.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>One per (method, name), sorted by name then method.</summary>
    public required IReadOnlyList<BaselineRow> Rows { get; init; }

    /// <summary>Every request together.</summary>
    public required BaselineRow Aggregated { get; init; }

    /// <summary>The baseline of a finished run's snapshot.</summary>
    public static Baseline FromSnapshot(StatsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new Baseline
        {
            StartedAt = snapshot.StartedAt,
            DurationSeconds = snapshot.Elapsed.TotalSeconds,
            Rows = [.. snapshot.Rows.Select(r => ToRow(r, snapshot.History, i => i.Rows.FirstOrDefault(x => x.Key == r.Key)))],
            Aggregated = ToRow(snapshot.Total, snapshot.History, i => i.Total),
        };
    }

    private static BaselineRow ToRow(RowStats row, IReadOnlyList<IntervalStats> history, Func<IntervalStats, RowStats?> inInterval) => new()
    {
        Method = row.Key.Method,
        Name = row.Key.Name,
        Requests = row.Requests,
        Failures = row.Failures,
        RequestsPerSecond = row.RequestsPerSecond,
        ErrorRate = row.FailureRatio,
        P50Ms = Percentile(row, 50),
        P95Ms = Percentile(row, 95),
        P99Ms = Percentile(row, 99),
        Seconds = [.. history.Select(interval => ToSecond(interval, inInterval(interval)))],
    };

    private static BaselineSecond ToSecond(IntervalStats interval, RowStats? row) => new()
    {
        Second = interval.Second,
        DurationSeconds = interval.DurationSeconds,
        Requests = row?.Requests ?? 0,
        Failures = row?.Failures ?? 0,
        P50Ms = row is null ? 0 : Percentile(row, 50),
        P95Ms = row is null ? 0 : Percentile(row, 95),
        P99Ms = row is null ? 0 : Percentile(row, 99),
    };

    private static double Percentile(RowStats row, double percentile) =>
        row.Requests > 0 && row.TryGetPercentile(percentile, out double ms) ? ms : 0;
}
