using System.Globalization;
using System.Text.Json;

namespace Stampede.Analysis;

/// <summary>Saves and loads a <see cref="Baseline"/> as JSON (<c>--save-baseline</c>, <c>--baseline</c>).</summary>
internal static class BaselineFile
{
    /// <summary>Writes <paramref name="baseline"/> to <paramref name="path"/>, replacing the file.</summary>
    public static async Task SaveAsync(Baseline baseline, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        await File.WriteAllTextAsync(path, ToJson(baseline), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the baseline at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a baseline, or one of a schema version this build does not read.</exception>
    public static async Task<Baseline> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return FromJson(json, $"'{path}'");
    }

    /// <summary>The JSON text of <paramref name="baseline"/>.</summary>
    public static string ToJson(Baseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        return JsonSerializer.Serialize(baseline, BaselineJsonContext.File) + "\n";
    }

    /// <summary>Reads a baseline from its JSON text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The text is not a baseline, or one of a schema version this build does not read.</exception>
    public static Baseline FromJson(string json, string source = "The baseline")
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;

            // Checked before the body so that a run document or a newer baseline fails with the reason.
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out JsonElement format)
                || format.ValueKind != JsonValueKind.String
                || format.GetString() != Baseline.FormatName)
            {
                throw new InvalidDataException($"{source} is not a Stampede baseline (a file written by --save-baseline has \"format\": \"{Baseline.FormatName}\").");
            }

            if (!root.TryGetProperty("schemaVersion", out JsonElement version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int schemaVersion) || schemaVersion != Baseline.CurrentSchemaVersion)
            {
                throw new InvalidDataException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{source} has schemaVersion {(version.ValueKind == JsonValueKind.Undefined ? "(none)" : version.GetRawText())}, but this build of Stampede reads baselines of schemaVersion {Baseline.CurrentSchemaVersion} only; save the baseline again with this version."));
            }

            return root.Deserialize(BaselineJsonContext.File)
                ?? throw new InvalidDataException($"{source} is null, not a Stampede baseline.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not a valid Stampede baseline: {e.Message}", e);
        }
    }
}
