using System.Text.Json;
using Stampede.Analysis;
using Stampede.Reports;

namespace Stampede.Gates;

/// <summary>Reads what a run is compared with: a baseline file (<c>--save-baseline</c>) or a run document (<c>--json</c>).</summary>
internal static class BaselineSource
{
    /// <summary>The baseline in the file at <paramref name="path"/>, whichever of the two kinds it is.</summary>
    /// <exception cref="InvalidDataException">The file is neither kind, or a kind this build does not read; the message says which.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<Baseline> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return IsBaseline(json)
            ? BaselineFile.FromJson(json, $"'{path}'")
            : RunDocumentBaseline.FromDocument(ReadDocument(json, path));
    }

    private static RunDocument ReadDocument(string json, string path)
    {
        try
        {
            return RunDocumentReader.Read(json);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is neither a Stampede baseline (--save-baseline) nor a run document (--json): {e.Message}", e);
        }
    }

    /// <summary>Whether the text is a JSON object whose <c>format</c> says it is a baseline; anything else is read as a run document.</summary>
    private static bool IsBaseline(string json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("format", out JsonElement format)
                && format.ValueKind == JsonValueKind.String
                && format.GetString() == Baseline.FormatName;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
