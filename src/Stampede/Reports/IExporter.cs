namespace Stampede.Reports;

/// <summary>Writes a finished run's report somewhere: CSV files, a JSON document, a dashboard.</summary>
/// <remarks>
/// An exporter runs once, after the run has ended, and reads only the immutable <see cref="RunReport"/>;
/// it never sees live statistics, so a slow exporter cannot disturb the measurements.
/// </remarks>
public interface IExporter
{
    /// <summary>Writes <paramref name="report"/>.</summary>
    /// <param name="report">The finished run, with its final statistics and per-second history.</param>
    /// <param name="cancellationToken">Cancels the write; a partly written output may be left behind.</param>
    /// <returns>A task that completes when the output is written and closed.</returns>
    Task ExportAsync(RunReport report, CancellationToken cancellationToken = default);
}
