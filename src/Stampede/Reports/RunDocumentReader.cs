using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Stampede.Reports;

/// <summary>Reads a run document written by <see cref="JsonExporter"/> back (for <c>stampede report</c> and <c>compare</c>).</summary>
internal static class RunDocumentReader
{
    /// <summary>Reads the document at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON, not a run document, or has a schema version this build does not read.</exception>
    public static async Task<RunDocument> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] utf8 = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return Read(utf8, $"'{path}'");
    }

    /// <summary>Reads a document from its JSON text.</summary>
    /// <exception cref="InvalidDataException">The text is not JSON, not a run document, or has a schema version this build does not read.</exception>
    public static RunDocument Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(Encoding.UTF8.GetBytes(json), "The JSON document");
    }

    private static RunDocument Read(ReadOnlySpan<byte> utf8, string source)
    {
        if (utf8.StartsWith(Encoding.UTF8.Preamble))
        {
            utf8 = utf8[Encoding.UTF8.Preamble.Length..];
        }

        if (RunJournalReader.IsJournal(utf8))
        {
            return RunJournalReader.Rebuild(utf8, source);
        }

        // The version is checked before the body so that a newer document fails with the reason, not
        // with whichever renamed field the deserializer trips on first.
        int version = ReadSchemaVersion(utf8, source);
        if (version != RunDocument.CurrentSchemaVersion)
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"{source} has schemaVersion {version}, but this build of Stampede reads schemaVersion {RunDocument.CurrentSchemaVersion} only. Open it with the Stampede version that wrote it (see its \"tool\" field)."));
        }

        try
        {
            return JsonSerializer.Deserialize(utf8, RunDocumentJsonContext.Document)
                ?? throw new InvalidDataException($"{source} is null, not a Stampede run document.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not a valid Stampede run document (schemaVersion {RunDocument.CurrentSchemaVersion}): {e.Message}", e);
        }
    }

    private static int ReadSchemaVersion(ReadOnlySpan<byte> utf8, string source)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidDataException($"{source} is not a Stampede run document: it is not a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isVersion = reader.ValueTextEquals("schemaVersion"u8);
                reader.Read();
                if (isVersion)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int version)
                        ? version
                        : throw new InvalidDataException($"{source} is not a Stampede run document: its schemaVersion is not an integer.");
                }

                reader.Skip();
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {e.Message}", e);
        }

        throw new InvalidDataException($"{source} is not a Stampede run document: it has no schemaVersion.");
    }
}
