using Stampede.Reports;

namespace Stampede.Gates;

/// <summary>Writes the run's checks as JUnit XML (<c>--junit FILE</c>): one test case per threshold, SLO objective and compared row.</summary>
internal sealed class JUnitExporter(string path) : IExporter
{
    public Task ExportAsync(RunReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        Reports.OutputFile.EnsureDirectory(path);
        GateResults gates = report.Gates;
        var checks = new JUnitChecks
        {
            Timestamp = report.Result.Stats.StartedAt,
            Duration = report.Result.Stats.Elapsed,
            Thresholds = gates.Thresholds,
            Slos = gates.Slos,
            Comparisons = gates.Comparisons,
            Autoscaling = gates.Autoscaling,
            Drift = gates.Drift,
            SoakNoData = gates.SoakNoData,
        };
        return JUnitWriter.WriteAsync(path, checks, cancellationToken);
    }
}
