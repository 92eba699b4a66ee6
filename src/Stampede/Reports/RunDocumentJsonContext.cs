using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Stampede.Reports;

/// <summary>Source-generated System.Text.Json metadata for <see cref="RunDocument"/>: no reflection, trim- and AOT-safe.</summary>
[JsonSerializable(typeof(RunDocument))]
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
internal sealed partial class RunDocumentJsonContext : JsonSerializerContext
{
    /// <summary>The metadata every writer and reader of the document uses.</summary>
    /// <remarks>
    /// The relaxed encoder writes <c>+</c>, <c>&lt;</c> and non-ASCII names as themselves instead of
    /// <c>\u002B</c> escapes: the document is a file, never embedded in HTML, and base64 histograms
    /// stay greppable.
    /// </remarks>
    public static JsonTypeInfo<RunDocument> Document { get; } = new RunDocumentJsonContext(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NewLine = "\n",
    }).RunDocument;
}
