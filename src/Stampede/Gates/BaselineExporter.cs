using Stampede.Analysis;
using Stampede.Reports;

namespace Stampede.Gates;

/// <summary>Writes the run's baseline (<c>--save-baseline FILE</c>) for later runs to be compared with.</summary>
internal sealed class BaselineExporter(string path) : IExporter
{
    public Task ExportAsync(RunReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        OutputFile.EnsureDirectory(path);
        return BaselineFile.SaveAsync(Baseline.FromSnapshot(report.Result.Stats), path, cancellationToken);
    }
}
