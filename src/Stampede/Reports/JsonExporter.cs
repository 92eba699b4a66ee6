using System.Text.Json;

namespace Stampede.Reports;

/// <summary>
/// Writes the run as one JSON document (<see cref="RunDocument"/>, schema in docs/json-schema.md):
/// settings, whole-run rows, per-second history with histograms, failures, errors and generator health.
/// </summary>
/// <remarks>
/// Unlike the CSV files the document keeps the HdrHistograms, so later tools can merge runs or compute
/// any percentile without losing precision; <see cref="RunDocumentReader"/> reads it back.
/// </remarks>
internal sealed class JsonExporter(string path) : IExporter
{
    private readonly string _path = OutputFile.Validate(path);

    /// <summary>The file this exporter writes.</summary>
    public string Path => _path;

    public Task ExportAsync(RunReport report, CancellationToken cancellationToken = default) =>
        RunDocumentWriter.WriteAsync(RunDocumentMapper.ToDocument(report), _path, cancellationToken);
}
