namespace Stampede.Reports;

/// <summary>
/// Writes the run as one self-contained HTML page (<see cref="HtmlReportWriter"/>): settings and
/// verdict, the analysis (bottleneck, knee, watched resources) when there is one, the checks
/// (thresholds, SLO objectives, baseline comparison) when there were any, throughput, users and
/// latency over time, latency distributions, the stats, failures, generator and target sources
/// tables. It opens offline and requests nothing from the network.
/// </summary>
/// <remarks>
/// The page is rendered from the run's <see cref="RunDocument"/>, as <c>stampede report run.json</c>
/// renders a saved one, so a live run's page and a re-rendered one are the same.
/// </remarks>
internal sealed class HtmlExporter(string path) : IExporter
{
    private readonly string _path = OutputFile.Validate(path);

    /// <summary>The file this exporter writes.</summary>
    public string Path => _path;

    public Task ExportAsync(RunReport report, CancellationToken cancellationToken = default) =>
        HtmlReportWriter.WriteAsync(RunDocumentMapper.ToDocument(report), _path, cancellationToken);
}
