using Stampede.Metrics;

namespace Stampede.Reports;

/// <summary>
/// Writes Locust's four CSV files (<c>PREFIX_stats.csv</c>, <c>PREFIX_stats_history.csv</c>,
/// <c>PREFIX_failures.csv</c>, <c>PREFIX_exceptions.csv</c>) with Locust 2.x's headers, so scripts and
/// dashboards written for Locust read them unchanged.
/// </summary>
/// <remarks>
/// Two deliberate differences: times keep microsecond precision (Locust writes whole milliseconds), and
/// the percentiles of the history file are those of each one-second interval rather than of Locust's
/// 10-second window. docs/json-schema.md describes every column.
/// </remarks>
internal sealed partial class CsvExporter(string prefix, bool fullHistory) : IExporter
{
    private const string NotAvailable = "N/A";
    private const string AggregatedName = "Aggregated";

    private static readonly string[] StatsColumns =
    [
        "Type", "Name", "Request Count", "Failure Count", "Median Response Time", "Average Response Time",
        "Min Response Time", "Max Response Time", "Average Content Size", "Requests/s", "Failures/s",
        .. PercentileLabels(),
    ];

    private static readonly string[] FailuresColumns = ["Method", "Name", "Error", "Occurrences"];

    private static readonly string[] ExceptionsColumns = ["Count", "Message", "Traceback", "Nodes"];

    private readonly string _prefix = ValidatePrefix(prefix);
    private readonly bool _fullHistory = fullHistory;

    /// <summary>Path of the per-row totals file.</summary>
    public string StatsPath => _prefix + "_stats.csv";

    /// <summary>Path of the per-second history file.</summary>
    public string HistoryPath => _prefix + "_stats_history.csv";

    /// <summary>Path of the failures file.</summary>
    public string FailuresPath => _prefix + "_failures.csv";

    /// <summary>Path of the exceptions file.</summary>
    public string ExceptionsPath => _prefix + "_exceptions.csv";

    /// <summary>The four files this exporter writes, in the order it writes them.</summary>
    public IReadOnlyList<string> Paths => [StatsPath, HistoryPath, FailuresPath, ExceptionsPath];

    public async Task ExportAsync(RunReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        OutputFile.EnsureDirectory(StatsPath);

        StatsSnapshot stats = report.Result.Stats;
        await WriteStatsAsync(stats, cancellationToken).ConfigureAwait(false);
        await WriteHistoryAsync(stats, cancellationToken).ConfigureAwait(false);
        await WriteFailuresAsync(stats, cancellationToken).ConfigureAwait(false);
        await WriteExceptionsAsync(stats, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteStatsAsync(StatsSnapshot stats, CancellationToken cancellationToken)
    {
        CsvFileWriter csv = CsvFileWriter.Create(StatsPath);
        await using (csv.ConfigureAwait(false))
        {
            await csv.RowAsync(StatsColumns, cancellationToken).ConfigureAwait(false);
            foreach (RowStats row in stats.Rows)
            {
                AppendStatsRow(csv, row.Key.Method, row.Key.Name, row);
                await csv.EndRowAsync(cancellationToken).ConfigureAwait(false);
            }

            AppendStatsRow(csv, string.Empty, AggregatedName, stats.Total);
            await csv.EndRowAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void AppendStatsRow(CsvFileWriter csv, string type, string name, RowStats row)
    {
        csv.Text(type)
            .Text(name)
            .Count(row.Requests)
            .Count(row.Failures)
            .Milliseconds(row.MedianMs)
            .Milliseconds(row.AverageMs)
            .Milliseconds(row.MinMs)
            .Milliseconds(row.MaxMs)
            .Milliseconds(row.AverageContentSize)
            .Rate(row.RequestsPerSecond)
            .Rate(row.FailuresPerSecond);
        AppendPercentiles(csv, row);
    }

    private async Task WriteFailuresAsync(StatsSnapshot stats, CancellationToken cancellationToken)
    {
        CsvFileWriter csv = CsvFileWriter.Create(FailuresPath);
        await using (csv.ConfigureAwait(false))
        {
            await csv.RowAsync(FailuresColumns, cancellationToken).ConfigureAwait(false);
            foreach (FailureStats failure in stats.Failures)
            {
                csv.Text(failure.Method).Text(failure.Name).Text(failure.Error).Count(failure.Occurrences);
                await csv.EndRowAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WriteExceptionsAsync(StatsSnapshot stats, CancellationToken cancellationToken)
    {
        CsvFileWriter csv = CsvFileWriter.Create(ExceptionsPath);
        await using (csv.ConfigureAwait(false))
        {
            await csv.RowAsync(ExceptionsColumns, cancellationToken).ConfigureAwait(false);
            foreach (UserErrorStats error in stats.Errors)
            {
                // Locust's Nodes column lists the workers that saw the exception; a single process is "local".
                csv.Count(error.Count)
                    .Text($"{error.Type}: {error.Message} (in {error.Source})")
                    .Text(error.StackTrace)
                    .Text("local");
                await csv.EndRowAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The percentile columns; Locust writes <c>N/A</c> for a row without requests.</summary>
    private static void AppendPercentiles(CsvFileWriter csv, RowStats? row)
    {
        foreach (double percentile in Percentiles.Standard)
        {
            if (row is not null && row.Requests > 0 && row.TryGetPercentile(percentile, out double ms))
            {
                csv.Milliseconds(ms);
            }
            else
            {
                csv.Text(NotAvailable);
            }
        }
    }

    private static IEnumerable<string> PercentileLabels() => Percentiles.Standard.Select(Percentiles.Label);

    private static string ValidatePrefix(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        return prefix;
    }
}
