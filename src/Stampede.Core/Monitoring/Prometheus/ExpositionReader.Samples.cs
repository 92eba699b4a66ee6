using System.Buffers;
using System.Globalization;

namespace Stampede.Monitoring.Prometheus;

/// <summary>Sample lines: <c>name{label="value",…} value [timestamp] [# exemplar]</c>, and the family each sample belongs to.</summary>
internal sealed partial class ExpositionReader
{
    private const NumberStyles FloatStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    private static readonly SearchValues<char> MetricNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:");

    private static readonly SearchValues<char> LabelNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    // The sample-name suffixes a declared family can own, by type (OpenMetrics 1.0 "MetricFamily" sample names).
    private static readonly string[] FamilySuffixes = ["_bucket", "_count", "_sum", "_total", "_created", "_gcount", "_gsum", "_info"];

    // Sample name → family, so the suffix search runs once per name; cleared when a # TYPE changes the answer.
    private readonly Dictionary<string, MetricFamilyBuilder> _familyOfSample = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, string>> _labels = [];
    private char[] _unescaped = new char[256];

    private string? ReadSample(ReadOnlySpan<char> line)
    {
        int nameEnd = MetricNameLength(line);
        if (nameEnd == 0)
        {
            return line[0] == '{' ? "quoted metric names are not supported" : "expected a metric name at the start of the line";
        }

        int position = SkipBlank(line, nameEnd);
        LabelSet labels = LabelSet.Empty;
        bool hasLabels = position < line.Length && line[position] == '{';
        if (hasLabels)
        {
            string? problem = ReadLabels(line, ref position, out labels);
            if (problem is not null)
            {
                return problem;
            }

            position = SkipBlank(line, position);
        }
        else if (position == nameEnd && position < line.Length)
        {
            return $"invalid character '{line[position]}' in the metric name";
        }

        if (position >= line.Length)
        {
            return hasLabels ? "expected a value after the labels" : "expected a value after the metric name";
        }

        int valueEnd = TokenEnd(line, position);
        if (!TryParseValue(line[position..valueEnd], out double value))
        {
            return $"invalid value '{Excerpt(line[position..valueEnd])}'";
        }

        // The timestamp (ms in 0.0.4, s in OpenMetrics) is checked but not kept; '#' starts an OpenMetrics exemplar, which is skipped.
        position = SkipBlank(line, valueEnd);
        if (position < line.Length && line[position] != '#')
        {
            int timestampEnd = TokenEnd(line, position);
            if (!double.TryParse(line[position..timestampEnd], FloatStyle, CultureInfo.InvariantCulture, out _))
            {
                return $"invalid timestamp '{Excerpt(line[position..timestampEnd])}'";
            }

            position = SkipBlank(line, timestampEnd);
            if (position < line.Length && line[position] != '#')
            {
                return $"unexpected text '{Excerpt(line[position..])}' after the timestamp";
            }
        }

        string name = Intern(line[..nameEnd]);
        FamilyOf(name).Samples.Add(new MetricSample(name, labels, value));
        return null;
    }

    private string? ReadLabels(ReadOnlySpan<char> line, ref int position, out LabelSet labels)
    {
        labels = LabelSet.Empty;
        _labels.Clear();
        position++;
        while (true)
        {
            position = SkipBlank(line, position);
            if (position >= line.Length)
            {
                return "unterminated label set: expected '}'";
            }

            if (line[position] == '}')
            {
                position++;
                break;
            }

            int nameLength = LabelNameLength(line[position..]);
            if (nameLength == 0)
            {
                return line[position] == '"' ? "quoted label names are not supported" : $"expected a label name but found '{line[position]}'";
            }

            ReadOnlySpan<char> labelName = line.Slice(position, nameLength);
            position = SkipBlank(line, position + nameLength);
            if (position >= line.Length || line[position] != '=')
            {
                return $"expected '=' after label name '{labelName}'";
            }

            position = SkipBlank(line, position + 1);
            if (position >= line.Length || line[position] != '"')
            {
                return $"expected '\"' to open the value of label '{labelName}'";
            }

            position++;
            string? labelValue = ReadLabelValue(line, ref position);
            if (labelValue is null)
            {
                return $"unterminated label value for label '{labelName}'";
            }

            _labels.Add(new KeyValuePair<string, string>(Intern(labelName), labelValue));
            position = SkipBlank(line, position);
            if (position < line.Length && line[position] == ',')
            {
                position++;
                continue;
            }

            if (position < line.Length && line[position] == '}')
            {
                position++;
                break;
            }

            return position >= line.Length
                ? "unterminated label set: expected '}'"
                : $"expected ',' or '}}' after the value of label '{labelName}'";
        }

        if (_labels.Count == 0)
        {
            return null;
        }

        var pairs = _labels.ToArray();
        SortByName(pairs);
        for (int i = 1; i < pairs.Length; i++)
        {
            if (ReferenceEquals(pairs[i].Key, pairs[i - 1].Key))
            {
                return $"duplicate label '{pairs[i].Key}'";
            }
        }

        labels = LabelSet.FromSorted(pairs);
        return null;
    }

    // Reads up to the closing quote (position is just after the opening one); null when the line ends first.
    private string? ReadLabelValue(ReadOnlySpan<char> line, ref int position)
    {
        ReadOnlySpan<char> rest = line[position..];
        int stop = rest.IndexOfAny('"', '\\');
        if (stop < 0)
        {
            return null;
        }

        if (rest[stop] == '"')
        {
            position += stop + 1;
            return Intern(rest[..stop]);
        }

        if (_unescaped.Length < rest.Length)
        {
            _unescaped = new char[Math.Max(rest.Length, _unescaped.Length * 2)];
        }

        int length = 0;
        for (int i = 0; i < rest.Length; i++)
        {
            char c = rest[i];
            if (c == '"')
            {
                position += i + 1;
                return Intern(_unescaped.AsSpan(0, length));
            }

            if (c == '\\' && i + 1 < rest.Length)
            {
                i++;
                switch (rest[i])
                {
                    case 'n':
                        _unescaped[length++] = '\n';
                        break;
                    case '\\' or '"':
                        _unescaped[length++] = rest[i];
                        break;
                    default:
                        // Not an escape the formats define: kept as written, as Prometheus does.
                        _unescaped[length++] = '\\';
                        _unescaped[length++] = rest[i];
                        break;
                }

                continue;
            }

            _unescaped[length++] = c;
        }

        return null;
    }

    private MetricFamilyBuilder FamilyOf(string sampleName)
    {
        if (_familyOfSample.TryGetValue(sampleName, out MetricFamilyBuilder? family))
        {
            return family;
        }

        // A family of the sample's own name wins: a gauge, a summary's quantiles, a 0.0.4 counter named foo_total.
        // Otherwise a declared family may own the name with its suffix: foo_bucket of histogram foo, foo_total of an
        // OpenMetrics counter foo. Failing both, the sample is its own untyped family.
        if (!_families.TryGetValue(sampleName, out family))
        {
            family = FindSuffixOwner(sampleName) ?? GetOrAddFamily(sampleName);
        }

        _familyOfSample.Add(sampleName, family);
        return family;
    }

    private MetricFamilyBuilder? FindSuffixOwner(string sampleName)
    {
        foreach (string suffix in FamilySuffixes)
        {
            if (sampleName.Length > suffix.Length
                && sampleName.EndsWith(suffix, StringComparison.Ordinal)
                && _familyLookup.TryGetValue(sampleName.AsSpan(0, sampleName.Length - suffix.Length), out MetricFamilyBuilder? owner)
                && owner.TypeLine > 0
                && Owns(owner.Type, suffix))
            {
                return owner;
            }
        }

        return null;
    }

    private static bool Owns(MetricType type, string suffix) => type switch
    {
        MetricType.Counter => suffix is "_total" or "_created",
        MetricType.Histogram => suffix is "_bucket" or "_count" or "_sum" or "_created",
        MetricType.GaugeHistogram => suffix is "_bucket" or "_gcount" or "_gsum",
        MetricType.Summary => suffix is "_count" or "_sum" or "_created",
        MetricType.Info => suffix is "_info",
        _ => false,
    };

    // Prometheus values: Go float syntax, NaN and ±Inf in any case (Go's strconv.ParseFloat); hex floats are not supported.
    private static bool TryParseValue(ReadOnlySpan<char> text, out double value)
    {
        ReadOnlySpan<char> unsigned = text;
        bool negative = false;
        if (!unsigned.IsEmpty && unsigned[0] is '+' or '-')
        {
            negative = unsigned[0] == '-';
            unsigned = unsigned[1..];
        }

        if (unsigned.Equals("Inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("Infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (unsigned.Equals("NaN", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        return double.TryParse(text, FloatStyle, CultureInfo.InvariantCulture, out value);
    }

    // [a-zA-Z_:][a-zA-Z0-9_:]*; 0 when the text does not start with a metric name.
    private static int MetricNameLength(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || char.IsAsciiDigit(text[0]))
        {
            return 0;
        }

        int end = text.IndexOfAnyExcept(MetricNameChars);
        return end < 0 ? text.Length : end;
    }

    // [a-zA-Z_][a-zA-Z0-9_]*; 0 when the text does not start with a label name.
    private static int LabelNameLength(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || char.IsAsciiDigit(text[0]))
        {
            return 0;
        }

        int end = text.IndexOfAnyExcept(LabelNameChars);
        return end < 0 ? text.Length : end;
    }

    // Insertion sort: a series has a handful of labels, usually already in order.
    private static void SortByName(KeyValuePair<string, string>[] pairs)
    {
        for (int i = 1; i < pairs.Length; i++)
        {
            KeyValuePair<string, string> pair = pairs[i];
            int j = i - 1;
            while (j >= 0 && string.CompareOrdinal(pairs[j].Key, pair.Key) > 0)
            {
                pairs[j + 1] = pairs[j];
                j--;
            }

            pairs[j + 1] = pair;
        }
    }
}
