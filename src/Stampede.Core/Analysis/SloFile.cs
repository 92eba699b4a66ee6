using System.Globalization;
using System.Text.Json;

namespace Stampede.Analysis;

/// <summary>Reads an SLO file (<c>--slo-file</c>): JSON with a list of objectives.</summary>
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
/// are rejected so that a typo is not silently ignored. JSON only: no YAML reader is among the
/// project's packages.
/// </para>
/// </remarks>
internal static class SloFile
{
    private static readonly string[] ObjectiveProperties = ["name", "row", "percent", "under"];

    /// <summary>Reads the objectives in the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid SLO file; the message names the objective and property.</exception>
    public static async Task<IReadOnlyList<SloObjective>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(json, $"'{path}'");
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
                throw new InvalidDataException($"{source} must be a JSON object with an \"objectives\" array.");
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
}
