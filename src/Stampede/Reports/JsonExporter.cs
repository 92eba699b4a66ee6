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
    private readonly string _path = ValidatePath(path);

    /// <summary>The file this exporter writes.</summary>
    public string Path => _path;

    public async Task ExportAsync(RunReport report, CancellationToken cancellationToken = default)
    {
        RunDocument document = RunDocumentMapper.ToDocument(report);
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        FileStream stream = File.Create(_path);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, document, RunDocumentJsonContext.Document, cancellationToken).ConfigureAwait(false);
            stream.WriteByte((byte)'\n');
        }
    }

    private static string ValidatePath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return path;
    }
}
