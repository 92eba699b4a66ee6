using System.Text.Json;

namespace Stampede.Reports;

/// <summary>Writes a run document as the <c>--json</c> output does (indented, UTF-8, a final newline).</summary>
internal static class RunDocumentWriter
{
    public static async Task WriteAsync(RunDocument document, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        OutputFile.EnsureDirectory(path);

        FileStream stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, document, RunDocumentJsonContext.Document, cancellationToken).ConfigureAwait(false);
            stream.WriteByte((byte)'\n');
        }
    }
}
