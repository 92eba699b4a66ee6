using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stampede.Reports;

/// <summary>The journal's first line: what the run is.</summary>
internal sealed record RunJournalHeader
{
    /// <summary>Marks the file as a run journal (<c>stampede-run</c>).</summary>
    public string Journal { get; init; } = RunJournalReader.Kind;

    /// <summary>The schema of the documents the journal holds: <see cref="RunDocument.CurrentSchemaVersion"/>.</summary>
    public required int SchemaVersion { get; init; }

    public required RunDocumentTool Tool { get; init; }

    /// <summary>The run's settings and classes; its end is that of the last line.</summary>
    public required RunDocumentRun Run { get; init; }
}

/// <summary>One line a second: the seconds closed since the previous line and the run's totals so far.</summary>
internal sealed record RunJournalSecond
{
    /// <summary>Seconds since the start of the run.</summary>
    public required double ElapsedSeconds { get; init; }

    /// <summary>The seconds closed since the previous line, histograms included.</summary>
    public required IReadOnlyList<RunDocumentInterval> Intervals { get; init; }

    /// <summary>The generator's samples since the previous line.</summary>
    public required IReadOnlyList<RunDocumentGeneratorSample> Samples { get; init; }

    /// <summary>The run document as of this line, without its history, generator samples and row histograms (those are in the lines).</summary>
    public required RunDocument State { get; init; }
}

/// <summary>Source-generated metadata for the journal's lines: one compact line each.</summary>
[JsonSerializable(typeof(RunJournalHeader))]
[JsonSerializable(typeof(RunJournalSecond))]
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = false,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
internal sealed partial class RunJournalJsonContext : JsonSerializerContext
{
    /// <summary>The metadata the journal's writer and reader use (the relaxed encoder, as the run document's).</summary>
    public static RunJournalJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
