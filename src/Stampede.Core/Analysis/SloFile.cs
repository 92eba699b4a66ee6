using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Stampede.Analysis;

/// <summary>Reads an SLO file (<c>--slo-file</c>): JSON, or YAML (<c>.yaml</c>, <c>.yml</c>), with a list of objectives.</summary>
/// <remarks>
/// <para>The format:</para>
/// <code>
/// {
///   "objectives": [
///     { "name": "large images", "row": "predict large", "percent": 99, "under": "400ms" },
///     { "under": "0.5%" }
///   ]
/// }
/// </code>
/// <para>
/// An objective with <c>percent</c> and a time in <c>under</c> is a latency objective ("99% of requests
/// under 400 ms"); one with a percent in <c>under</c> and no <c>percent</c> is an error-rate objective.
/// <c>row</c> scopes it as a threshold's quoted scope does; <c>name</c> is optional. Unknown properties
/// are rejected so that a typo is not silently ignored.
/// </para>
/// <para>The same in YAML (read with YamlDotNet; unquoted numbers are numbers):</para>
/// <code>
/// objectives:
///   - name: large images
///     row: predict large
///     percent: 99
///     under: 400ms
///   - under: 0.5%
/// </code>
/// </remarks>
internal static class SloFile
{
    private static readonly string[] ObjectiveProperties = ["name", "row", "percent", "under"];

    /// <summary>Reads the objectives in the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid SLO file; the message names the objective and property.</exception>
    public static async Task<IReadOnlyList<SloObjective>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        string extension = Path.GetExtension(path);
        bool yaml = extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase);
        return yaml ? ParseYaml(text, $"'{path}'") : Parse(text, $"'{path}'");
    }

    /// <summary>Reads the objectives in <paramref name="yaml"/>, the same document as <see cref="Parse(string, string)"/> reads, in YAML.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid SLO file; the message names the line, or the objective and property.</exception>
    public static IReadOnlyList<SloObjective> ParseYaml(string yaml, string source = "The SLO file")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{source} is not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}"), e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // YamlDotNet refuses some malformed documents this way rather than with a YamlException (a key that is
            // itself a mapping with no value; a flow mapping cut short); found by fuzzing.
            throw new InvalidDataException($"{source} is not valid YAML: {e.Message}", e);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{source} must be an object with an \"objectives\" list.");
        }

        // The YAML becomes the JSON document it stands for, so both formats share one reader and its messages.
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer, root, source);
        }

        return Parse(Encoding.UTF8.GetString(buffer.ToArray()), source);
    }

    /// <summary>Reads the objectives in <paramref name="json"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid SLO file; the message names the objective and property.</exception>
    public static IReadOnlyList<SloObjective> Parse(string json, string source = "The SLO file")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("objectives", out JsonElement objectives) || objectives.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{source} must be an object with an \"objectives\" list.");
            }

            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (property.Name is not ("objectives" or "$schema"))
                {
                    throw new InvalidDataException($"{source}: unknown property \"{property.Name}\"; expected \"objectives\".");
                }
            }

            var result = new List<SloObjective>();
            int index = 0;
            foreach (JsonElement objective in objectives.EnumerateArray())
            {
                result.Add(ParseObjective(objective, $"{source}: objectives[{index++}]"));
            }

            return result.Count > 0 ? result : throw new InvalidDataException($"{source} has no objectives.");
        }
    }

    private static SloObjective ParseObjective(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{where} must be an object such as {{ \"percent\": 99, \"under\": \"400ms\" }}.");
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!ObjectiveProperties.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"{where}: unknown property \"{property.Name}\"; expected {string.Join(", ", ObjectiveProperties.Select(p => $"\"{p}\""))}.");
            }
        }

        string? name = OptionalString(element, "name", where);
        string? row = OptionalString(element, "row", where);
        string under = OptionalString(element, "under", where)
            ?? throw new InvalidDataException($"{where}: \"under\" is missing; write a time (\"400ms\") with \"percent\", or an error rate (\"0.5%\").");
        SloObjective objective = element.TryGetProperty("percent", out JsonElement percent)
            ? LatencyObjective(percent, under, row, where)
            : ErrorRateObjective(under, row, where);
        return objective with { Name = name ?? objective.Describe() };
    }

    private static SloObjective LatencyObjective(JsonElement percent, string under, string? row, string where)
    {
        if (percent.ValueKind != JsonValueKind.Number || !percent.TryGetDouble(out double share) || share <= 0 || share >= 100)
        {
            throw new InvalidDataException($"{where}.percent must be a number above 0 and below 100 (100 leaves no error budget), not {percent.GetRawText()}.");
        }

        double limitMs = Parse(under, where, ThresholdParser.ParseMilliseconds, "a time such as \"400ms\" (the objective has \"percent\")");
        return new SloObjective { Name = string.Empty, Row = row, Kind = SloKind.Latency, LatencyLimitMs = limitMs, AllowedBadRatio = 1 - (share / 100) };
    }

    private static SloObjective ErrorRateObjective(string under, string? row, string where)
    {
        double ratio = Parse(under, where, ThresholdParser.ParsePercent, "an error rate such as \"0.5%\", or add \"percent\" for a latency objective");
        return ratio > 0
            ? new SloObjective { Name = string.Empty, Row = row, Kind = SloKind.ErrorRate, AllowedBadRatio = ratio }
            : throw new InvalidDataException($"{where}.under: an error rate under 0% leaves no error budget; use the threshold error_rate<=0 instead.");
    }

    private static double Parse(string text, string where, Func<string, double> parse, string expected)
    {
        try
        {
            return parse(text);
        }
        catch (ThresholdSyntaxException e)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{where}.under is \"{text}\": expected {expected}; {e.Problem} at column {e.Position + 1}."), e);
        }
    }

    private static string? OptionalString(JsonElement element, string property, string where)
    {
        if (!element.TryGetProperty(property, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new InvalidDataException($"{where}.{property} must be a non-empty string, not {value.GetRawText()}.");
    }

    private static void WriteJson(Utf8JsonWriter writer, YamlNode node, string source)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach ((YamlNode key, YamlNode value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode { Value: { } name } ? name : throw Unsupported(key, source, "a key that is not text"));
                    WriteJson(writer, value, source);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (YamlNode item in sequence)
                {
                    WriteJson(writer, item, source);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                throw Unsupported(node, source, "an alias");
        }
    }

    /// <summary>A plain (unquoted) scalar is null, a boolean or a number when it reads as one; anything else is a string.</summary>
    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        string value = scalar.Value ?? string.Empty;
        if (scalar.Style == ScalarStyle.Plain)
        {
            if (value is "" or "~" or "null" or "Null" or "NULL")
            {
                writer.WriteNullValue();
                return;
            }

            if (value is "true" or "false")
            {
                writer.WriteBooleanValue(value == "true");
                return;
            }

            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
            {
                writer.WriteNumberValue(number);
                return;
            }
        }

        writer.WriteStringValue(value);
    }

    private static InvalidDataException Unsupported(YamlNode node, string source, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{source} has {what} at line {node.Start.Line}, which an SLO file does not use."));
}
