namespace Stampede.Monitoring.Prometheus;

/// <summary>The state of one <see cref="ExpositionParser.Parse"/> call: the families read so far, the interned strings, the warnings.</summary>
/// <remarks>Single use and single-threaded: one reader per exposition. This file walks the lines and reads the <c>#</c> lines; <c>ExpositionReader.Samples.cs</c> reads sample lines.</remarks>
internal sealed partial class ExpositionReader
{
    private const int MaxWarnings = 20;
    private const int ExcerptLength = 60;

    // A body is judged "not metrics" on its first non-blank lines: more than half of these malformed.
    private const int ProbeLines = 20;

    private readonly bool? _openMetrics;
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _stringLookup;
    private readonly Dictionary<string, MetricFamilyBuilder> _families = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetricFamilyBuilder>.AlternateLookup<ReadOnlySpan<char>> _familyLookup;
    private readonly List<MetricFamilyBuilder> _familyOrder = [];
    private readonly List<ExpositionWarning> _warnings = [];
    private int _lineNumber;
    private int _omittedWarnings;
    private int _firstOmittedLine;
    private int _probedLines;
    private int _probedMalformed;
    private int _firstMalformedLine;
    private string? _firstMalformedExcerpt;
    private bool _sawEof;

    /// <summary>Creates a reader for one exposition.</summary>
    /// <param name="openMetrics">The format, as <see cref="ExpositionParser.Parse"/> takes it: <see langword="null"/> to detect.</param>
    public ExpositionReader(bool? openMetrics)
    {
        _openMetrics = openMetrics;
        _stringLookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        _familyLookup = _families.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Reads the whole exposition.</summary>
    /// <param name="text">The response body.</param>
    /// <returns>The exposition.</returns>
    public Exposition Read(string text)
    {
        ReadOnlySpan<char> remaining = text;
        if (!remaining.IsEmpty && remaining[0] == '\uFEFF')
        {
            remaining = remaining[1..];
        }

        ReadOnlySpan<char> content = remaining.TrimStart();
        if (content.IsEmpty)
        {
            return new Exposition([], [], 0, _openMetrics ?? false);
        }

        if (content[0] == '<')
        {
            int line = remaining[..(remaining.Length - content.Length)].Count('\n') + 1;
            int end = content.IndexOf('\n');
            return NotMetrics(line, Excerpt(TrimBlank(end < 0 ? content : content[..end])));
        }

        while (!remaining.IsEmpty)
        {
            int newline = remaining.IndexOf('\n');
            ReadOnlySpan<char> line;
            if (newline < 0)
            {
                line = remaining;
                remaining = default;
            }
            else
            {
                line = remaining[..newline];
                remaining = remaining[(newline + 1)..];
            }

            _lineNumber++;
            line = TrimBlank(line);
            if (line.IsEmpty)
            {
                continue;
            }

            if (_sawEof)
            {
                AddWarning(_lineNumber, $"text after '# EOF' is ignored: '{Excerpt(line)}'");
                break;
            }

            string? problem = line[0] == '#' ? ReadComment(line) : ReadSample(line);
            if (problem is not null)
            {
                if (_firstMalformedExcerpt is null)
                {
                    _firstMalformedLine = _lineNumber;
                    _firstMalformedExcerpt = Excerpt(line);
                }

                AddWarning(_lineNumber, $"{problem} in '{Excerpt(line)}'");
            }

            if (_probedLines < ProbeLines)
            {
                _probedLines++;
                _probedMalformed += problem is null ? 0 : 1;
                if (_probedLines == ProbeLines && IsMostlyMalformed())
                {
                    return NotMetrics(_firstMalformedLine, _firstMalformedExcerpt!);
                }
            }
        }

        if (IsMostlyMalformed())
        {
            return NotMetrics(_firstMalformedLine, _firstMalformedExcerpt!);
        }

        if (_openMetrics == true && !_sawEof)
        {
            AddWarning(_lineNumber, "the OpenMetrics exposition does not end with '# EOF': it may be truncated");
        }

        return Build();
    }

    private bool IsMostlyMalformed() => _probedMalformed * 2 > _probedLines;

    private Exposition NotMetrics(int line, string excerpt) =>
        new(
            [],
            [new ExpositionWarning(line, $"the response is not a metrics exposition (line {line}: '{excerpt}'): check that the URL points at the /metrics endpoint")],
            0,
            _openMetrics ?? false);

    private Exposition Build()
    {
        var families = new MetricFamily[_familyOrder.Count];
        int samples = 0;
        for (int i = 0; i < families.Length; i++)
        {
            families[i] = _familyOrder[i].Build();
            samples += families[i].Samples.Count;
        }

        if (_omittedWarnings > 0)
        {
            _warnings.Add(new ExpositionWarning(
                _firstOmittedLine,
                $"{_omittedWarnings} more malformed lines were skipped (the first at line {_firstOmittedLine})"));
        }

        return new Exposition(families, _warnings.ToArray(), samples, _openMetrics ?? _sawEof);
    }

    private void AddWarning(int line, string message)
    {
        if (_warnings.Count < MaxWarnings)
        {
            _warnings.Add(new ExpositionWarning(line, message));
            return;
        }

        if (_omittedWarnings++ == 0)
        {
            _firstOmittedLine = line;
        }
    }

    private string? ReadComment(ReadOnlySpan<char> line)
    {
        ReadOnlySpan<char> body = TrimStartBlank(line[1..]);
        int keywordEnd = TokenEnd(body, 0);
        ReadOnlySpan<char> keyword = body[..keywordEnd];
        ReadOnlySpan<char> rest = TrimStartBlank(body[keywordEnd..]);
        if (keyword.SequenceEqual("HELP"))
        {
            return ReadHelp(rest);
        }

        if (keyword.SequenceEqual("TYPE"))
        {
            return ReadType(rest);
        }

        if (keyword.SequenceEqual("UNIT"))
        {
            return ReadUnit(rest);
        }

        // In text 0.0.4 "# EOF" is an ordinary comment; in OpenMetrics it ends the exposition.
        if (keyword.SequenceEqual("EOF") && rest.IsEmpty && _openMetrics != false)
        {
            _sawEof = true;
        }

        return null;
    }

    private string? ReadHelp(ReadOnlySpan<char> rest)
    {
        string? problem = ReadMetadataName(rest, "# HELP", out int nameEnd);
        if (problem is not null)
        {
            return problem;
        }

        MetricFamilyBuilder family = GetOrAddFamily(rest[..nameEnd]);
        if (family.Help is not null)
        {
            return $"duplicate # HELP for '{family.Name}' (the first is kept)";
        }

        family.Help = UnescapeHelp(TrimStartBlank(rest[nameEnd..]));
        return null;
    }

    private string? ReadType(ReadOnlySpan<char> rest)
    {
        string? problem = ReadMetadataName(rest, "# TYPE", out int nameEnd);
        if (problem is not null)
        {
            return problem;
        }

        ReadOnlySpan<char> typeText = TrimStartBlank(rest[nameEnd..]);
        if (typeText.IsEmpty)
        {
            return "expected a metric type after the metric name";
        }

        int typeEnd = TokenEnd(typeText, 0);
        if (!TrimStartBlank(typeText[typeEnd..]).IsEmpty)
        {
            return "unexpected text after the metric type";
        }

        if (!TryParseType(typeText[..typeEnd], out MetricType type))
        {
            return $"unknown metric type '{Excerpt(typeText[..typeEnd])}'";
        }

        MetricFamilyBuilder family = GetOrAddFamily(rest[..nameEnd]);
        if (family.TypeLine > 0)
        {
            return $"duplicate # TYPE for '{family.Name}' (the first, at line {family.TypeLine}, is kept)";
        }

        family.Type = type;
        family.TypeLine = _lineNumber;

        // A declared type changes which family later _bucket, _total … samples belong to.
        _familyOfSample.Clear();
        return null;
    }

    private string? ReadUnit(ReadOnlySpan<char> rest)
    {
        string? problem = ReadMetadataName(rest, "# UNIT", out int nameEnd);
        if (problem is not null)
        {
            return problem;
        }

        ReadOnlySpan<char> unit = TrimStartBlank(rest[nameEnd..]);
        MetricFamilyBuilder family = GetOrAddFamily(rest[..nameEnd]);
        if (family.Unit is not null)
        {
            return $"duplicate # UNIT for '{family.Name}' (the first is kept)";
        }

        family.Unit = unit.IsEmpty ? null : unit.ToString();
        return null;
    }

    private static string? ReadMetadataName(ReadOnlySpan<char> rest, string keyword, out int nameEnd)
    {
        nameEnd = MetricNameLength(rest);
        if (nameEnd == 0)
        {
            return $"expected a metric name after '{keyword}'";
        }

        if (nameEnd < rest.Length && !IsBlank(rest[nameEnd]))
        {
            return $"invalid character '{rest[nameEnd]}' in the metric name";
        }

        return null;
    }

    private static bool TryParseType(ReadOnlySpan<char> text, out MetricType type)
    {
        (bool known, type) = text switch
        {
            _ when text.Equals("counter", StringComparison.OrdinalIgnoreCase) => (true, MetricType.Counter),
            _ when text.Equals("gauge", StringComparison.OrdinalIgnoreCase) => (true, MetricType.Gauge),
            _ when text.Equals("histogram", StringComparison.OrdinalIgnoreCase) => (true, MetricType.Histogram),
            _ when text.Equals("summary", StringComparison.OrdinalIgnoreCase) => (true, MetricType.Summary),
            _ when text.Equals("untyped", StringComparison.OrdinalIgnoreCase) => (true, MetricType.Untyped),
            _ when text.Equals("unknown", StringComparison.OrdinalIgnoreCase) => (true, MetricType.Untyped),
            _ when text.Equals("gaugehistogram", StringComparison.OrdinalIgnoreCase) => (true, MetricType.GaugeHistogram),
            _ when text.Equals("info", StringComparison.OrdinalIgnoreCase) => (true, MetricType.Info),
            _ when text.Equals("stateset", StringComparison.OrdinalIgnoreCase) => (true, MetricType.StateSet),
            _ => (false, MetricType.Untyped),
        };
        return known;
    }

    private MetricFamilyBuilder GetOrAddFamily(ReadOnlySpan<char> name)
    {
        if (_familyLookup.TryGetValue(name, out MetricFamilyBuilder? family))
        {
            return family;
        }

        family = new MetricFamilyBuilder(Intern(name));
        _families.Add(family.Name, family);
        _familyOrder.Add(family);
        return family;
    }

    private string Intern(ReadOnlySpan<char> text)
    {
        if (_stringLookup.TryGetValue(text, out string? interned))
        {
            return interned;
        }

        interned = text.ToString();
        _strings.Add(interned, interned);
        return interned;
    }

    // HELP escapes: \\ and \n (0.0.4), also \" (OpenMetrics); any other backslash is kept as written.
    private static string UnescapeHelp(ReadOnlySpan<char> text)
    {
        if (text.IndexOf('\\') < 0)
        {
            return text.ToString();
        }

        var builder = new System.Text.StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '\\' or 'n' or '"')
            {
                i++;
                builder.Append(text[i] == 'n' ? '\n' : text[i]);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Excerpt(ReadOnlySpan<char> text)
    {
        if (text.Length <= ExcerptLength)
        {
            return text.ToString();
        }

        int length = char.IsHighSurrogate(text[ExcerptLength - 1]) ? ExcerptLength - 1 : ExcerptLength;
        return string.Concat(text[..length], "…");
    }

    private static bool IsBlank(char c) => c is ' ' or '\t';

    private static ReadOnlySpan<char> TrimBlank(ReadOnlySpan<char> text) => text.Trim(" \t\r");

    private static ReadOnlySpan<char> TrimStartBlank(ReadOnlySpan<char> text) => text.TrimStart(" \t");

    private static int SkipBlank(ReadOnlySpan<char> text, int position)
    {
        while (position < text.Length && IsBlank(text[position]))
        {
            position++;
        }

        return position;
    }

    private static int TokenEnd(ReadOnlySpan<char> text, int position)
    {
        int end = text[position..].IndexOfAny(' ', '\t');
        return end < 0 ? text.Length : position + end;
    }
}
