using System.Globalization;
using System.Text.RegularExpressions;

namespace Stampede.Demo.Tests.Infrastructure;

/// <summary>
/// A strict reader of the Prometheus text format (version 0.0.4): every line is blank, a <c># HELP</c> /
/// <c># TYPE</c> comment, or a sample; every sample belongs to a family declared by <c># TYPE</c>.
/// </summary>
public static partial class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var type = TypeLine().Match(line);
                if (type.Success)
                {
                    types.TryAdd(type.Groups["name"].Value, type.Groups["type"].Value).ShouldBeTrue($"line {lineNumber}: family declared twice");
                }
                else
                {
                    HelpLine().IsMatch(line).ShouldBeTrue($"line {lineNumber} is a comment but neither # HELP nor # TYPE: {line}");
                }

                continue;
            }

            var sample = SampleLine().Match(line);
            sample.Success.ShouldBeTrue($"line {lineNumber} is not 'name{{labels}} value': {line}");
            var name = sample.Groups["name"].Value;
            Family(name, types).ShouldNotBeNull($"line {lineNumber}: {name} has no # TYPE");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in Label().Matches(sample.Groups["labels"].Value))
            {
                labels.Add(label.Groups["key"].Value, Unescape(label.Groups["value"].Value));
            }

            samples.Add(new PrometheusSample(name, labels, ParseValue(sample.Groups["value"].Value)));
        }

        return samples;
    }

    /// <summary>The family a sample name belongs to: itself, or a histogram/summary family for _bucket, _sum, _count.</summary>
    private static string? Family(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name))
        {
            return name;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)
                && types.TryGetValue(name[..^suffix.Length], out var type)
                && type is "histogram" or "summary")
            {
                return name[..^suffix.Length];
            }
        }

        return null;
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string Unescape(string value) =>
        value.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [GeneratedRegex("""^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>counter|gauge|histogram|summary|untyped)$""")]
    private static partial Regex TypeLine();

    [GeneratedRegex("""^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$""")]
    private static partial Regex HelpLine();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (?<value>[-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf)|NaN)(?: -?[0-9]+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
