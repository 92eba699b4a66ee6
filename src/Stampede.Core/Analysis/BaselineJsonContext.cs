using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Stampede.Analysis;

/// <summary>Source-generated System.Text.Json metadata for <see cref="Baseline"/>: no reflection, trim- and AOT-safe.</summary>
[JsonSerializable(typeof(Baseline))]
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
internal sealed partial class BaselineJsonContext : JsonSerializerContext
{
    /// <summary>The metadata the baseline file is written and read with; row names stay readable (no <c>\u0022</c> escapes).</summary>
    public static JsonTypeInfo<Baseline> File { get; } = new BaselineJsonContext(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NewLine = "\n",
    }).Baseline;
}
