using System.Globalization;
using System.Text;

namespace Stampede.Monitoring;

/// <summary>
/// A user's mapping of a scraped series to a resource (<c>--watch RESOURCE=SERIES[{label="v",…}]</c>),
/// for series the built-in recognition does not know, e.g. <c>queue=my_queue_depth</c> or
/// <c>concurrency=inflight{pool="gpu"}</c>.
/// </summary>
/// <param name="Resource">The resource the series measures.</param>
/// <param name="Metric">The sample name as the exposition writes it (a counter's <c>_total</c> included).</param>
/// <param name="Labels">Labels a sample must carry with these values; others may be present.</param>
public sealed record SeriesMapping(TargetResource Resource, string Metric, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>Reads <c>RESOURCE=SERIES</c> or <c>RESOURCE=SERIES{label="value",…}</c>.</summary>
    public static bool TryParse(string text, out SeriesMapping? mapping, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        mapping = null;
        string valid = $"give RESOURCE=SERIES or RESOURCE=SERIES{{label=\"value\"}}, where RESOURCE is one of {string.Join(", ", TargetResources.All.Select(TargetResources.Name))}, e.g. --watch queue=my_queue_depth";
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            error = $"'{text}' is not valid; {valid}.";
            return false;
        }

        string resourceText = text[..equals].Trim();
        if (!TargetResources.TryParse(resourceText, out TargetResource resource))
        {
            error = $"'{text}': '{resourceText}' is not a resource; {valid}.";
            return false;
        }

        string series = text[(equals + 1)..].Trim();
        int brace = series.IndexOf('{', StringComparison.Ordinal);
        string metric = brace < 0 ? series : series[..brace].Trim();
        if (metric.Length == 0 || !IsMetricName(metric))
        {
            error = $"'{text}': '{metric}' is not a metric name (letters, digits, '_' and ':', not starting with a digit); {valid}.";
            return false;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (brace >= 0)
        {
            if (!series.EndsWith('}'))
            {
                error = $"'{text}': the labels have no closing '}}'; {valid}.";
                return false;
            }

            if (!TryParseLabels(series[(brace + 1)..^1], labels, out string? labelError))
            {
                error = $"'{text}': the labels are not valid ({labelError}); {valid}.";
                return false;
            }
        }

        mapping = new SeriesMapping(resource, metric, labels);
        error = null;
        return true;
    }

    /// <summary>The mapping as written on the command line.</summary>
    public override string ToString()
    {
        string labels = Labels.Count == 0 ? string.Empty
            : "{" + string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Key}=\"{l.Value}\""))) + "}";
        return $"{TargetResources.Name(Resource)}={Metric}{labels}";
    }

    private static bool IsMetricName(string name) =>
        !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    private static bool TryParseLabels(string text, Dictionary<string, string> labels, out string? error)
    {
        int i = 0;
        error = null;
        while (true)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ','))
            {
                i++;
            }

            if (i >= text.Length)
            {
                return true;
            }

            int nameStart = i;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
            {
                i++;
            }

            string name = text[nameStart..i];
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            if (name.Length == 0 || i >= text.Length || text[i] != '=')
            {
                error = "expected label=\"value\"";
                return false;
            }

            i++;
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            if (i >= text.Length || text[i] != '"')
            {
                error = "expected a quoted value";
                return false;
            }

            i++;
            var value = new StringBuilder();
            while (i < text.Length && text[i] != '"')
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    i++;
                }

                value.Append(text[i]);
                i++;
            }

            if (i >= text.Length)
            {
                error = "unterminated value";
                return false;
            }

            i++;
            labels[name] = value.ToString();
        }
    }
}
