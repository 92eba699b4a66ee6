using Stampede.Metrics;
using System.Globalization;
using System.Text;

namespace Stampede.Analysis;

/// <summary>The recursive-descent parser of the threshold language; the grammar is on <see cref="Threshold"/>.</summary>
/// <remarks>It reads characters directly (no separate tokenizer): <c>p99.9</c> and <c>300ms</c> are words glued to numbers.</remarks>
internal sealed class ThresholdParser
{
    private const string LatencyUnits = "ms, s, us or µs";

    private readonly string _text;
    private int _position;

    public ThresholdParser(string text)
    {
        _text = text;
    }

    private bool AtEnd => _position >= _text.Length;

    private char Current => _text[_position];

    /// <summary>Parses a time with its unit (<c>400ms</c>, <c>1.5s</c>, <c>800us</c>) into milliseconds.</summary>
    /// <exception cref="ThresholdSyntaxException">It is not a time with a unit.</exception>
    public static double ParseMilliseconds(string text)
    {
        var parser = new ThresholdParser(text);
        parser.SkipSpaces();
        double number = parser.ReadNumber("a time such as 400ms");
        (string unit, int unitStart) = parser.ReadUnit();
        double ms = unit.Length == 0
            ? throw parser.Expected(unitStart, $"a unit after the number: {LatencyUnits}")
            : ToMilliseconds(parser, number, unit, unitStart);
        parser.ExpectEnd("the end of the time");
        return ms;
    }

    /// <summary>Parses a percent (<c>0.5%</c>) into a ratio from 0 to 1.</summary>
    /// <exception cref="ThresholdSyntaxException">It is not a percent from 0 to 100.</exception>
    public static double ParsePercent(string text)
    {
        var parser = new ThresholdParser(text);
        parser.SkipSpaces();
        int start = parser._position;
        double number = parser.ReadNumber("a percent such as 0.5%");
        if (parser.AtEnd || parser.Current != '%')
        {
            throw parser.Expected(parser._position, "'%' after the number");
        }

        parser._position++;
        parser.ExpectEnd("the end of the percent");
        return number <= 100 ? number / 100 : throw parser.Expected(start, "a percent from 0 to 100");
    }

    /// <summary>Parses the whole text as one threshold.</summary>
    public Threshold ParseThreshold()
    {
        SkipSpaces();
        if (AtEnd)
        {
            throw Expected(_position, "a metric such as p95, avg or error_rate, but the expression is empty");
        }

        string? row = null;
        if (Current == '"')
        {
            row = ReadQuotedRow();
            SkipSpaces();
            Expect(':', "':' after the row name");
            SkipSpaces();
        }

        (ThresholdMetric metric, double percentile) = ReadMetric();
        SkipSpaces();
        ThresholdOperator comparison = ReadOperator();
        SkipSpaces();
        double limit = ReadLimit(metric);
        SkipSpaces();
        (bool abort, TimeSpan grace) = ReadAbort(metric, comparison);
        ExpectEnd(abort ? "the end of the expression" : "'abort' or the end of the expression");
        return new Threshold(_text, row, metric, percentile, comparison, limit, abort, grace);
    }

    private string ReadQuotedRow()
    {
        int open = _position++;
        var name = new StringBuilder();
        while (!AtEnd && Current != '"')
        {
            if (Current == '\\' && _position + 1 < _text.Length && _text[_position + 1] is '"' or '\\')
            {
                _position++;
            }

            name.Append(Current);
            _position++;
        }

        if (AtEnd)
        {
            throw Expected(open, "a closing '\"' for the row name that starts here");
        }

        _position++;
        return name.Length > 0 ? name.ToString() : throw Expected(open, "a row name between the quotes");
    }

    private (ThresholdMetric Metric, double Percentile) ReadMetric()
    {
        int start = _position;
        if (ReadLlmMetric() is { } llm)
        {
            return llm;
        }

        string word = ReadWord();
        if (word.Equals("p", StringComparison.OrdinalIgnoreCase))
        {
            if (AtEnd || !char.IsAsciiDigit(Current))
            {
                throw Expected(_position, "the percentile after 'p', e.g. p95 or p99.9");
            }

            double percentile = ReadNumber("a percentile");
            return percentile <= 100
                ? (ThresholdMetric.Percentile, percentile)
                : throw Expected(start, "a percentile from p0 to p100");
        }

        ThresholdMetric? metric = word.ToLowerInvariant() switch
        {
            "med" => ThresholdMetric.Median,
            "avg" => ThresholdMetric.Average,
            "min" => ThresholdMetric.Min,
            "max" => ThresholdMetric.Max,
            "error_rate" => ThresholdMetric.ErrorRate,
            "rps" => ThresholdMetric.RequestsPerSecond,
            "requests" => ThresholdMetric.Requests,
            "failures" => ThresholdMetric.Failures,
            _ => null,
        };
        const string Metrics = "pNN (p95, p99.9), med, avg, min, max, error_rate, rps, requests, failures, or for LLM streams ttft_pNN, itl_pNN, tpot_pNN, e2e_pNN, output_tps";
        return metric is { } known
            ? (known, 0)
            : throw (word.Length == 0 ? Expected(start, $"a metric: {Metrics}") : Problem(start, $"unknown metric '{word}'; expected {Metrics}"));
    }

    /// <summary>
    /// An LLM metric (<c>ttft_p95</c>, <c>itl_p99</c>, <c>tpot_p99</c>, <c>e2e_p95</c>, <c>output_tps</c>), or <see langword="null"/>
    /// when the text here is not one (and nothing is consumed). Its percentile must be one the statistics keep.
    /// </summary>
    private (ThresholdMetric Metric, double Percentile)? ReadLlmMetric()
    {
        int start = _position;
        ReadOnlySpan<char> rest = _text.AsSpan(_position);
        if (rest.StartsWith("output_tps", StringComparison.OrdinalIgnoreCase))
        {
            _position += "output_tps".Length;
            return (ThresholdMetric.OutputTokensPerSecond, 0);
        }

        foreach ((string prefix, ThresholdMetric metric) in LlmPercentileMetrics)
        {
            if (!rest.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            _position += prefix.Length;
            if (AtEnd || !char.IsAsciiDigit(Current))
            {
                throw Expected(_position, $"the percentile after '{prefix}', e.g. {prefix}95");
            }

            double percentile = ReadNumber("a percentile");
            return Percentiles.Standard.Contains(percentile)
                ? (metric, percentile)
                : throw Problem(start, $"LLM metrics keep the percentiles {string.Join(", ", Percentiles.Standard.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)))}; {prefix}{percentile.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not one of them");
        }

        return null;
    }

    private static readonly (string Prefix, ThresholdMetric Metric)[] LlmPercentileMetrics =
        [("ttft_p", ThresholdMetric.Ttft), ("itl_p", ThresholdMetric.Itl), ("tpot_p", ThresholdMetric.Tpot), ("e2e_p", ThresholdMetric.E2e)];

    private ThresholdOperator ReadOperator()
    {
        if (AtEnd || Current is not ('<' or '>'))
        {
            throw Expected(_position, "an operator: <, <=, > or >=");
        }

        bool less = Current == '<';
        _position++;
        bool orEqual = !AtEnd && Current == '=';
        if (orEqual)
        {
            _position++;
        }

        return (less, orEqual) switch
        {
            (true, false) => ThresholdOperator.LessThan,
            (true, true) => ThresholdOperator.LessThanOrEqual,
            (false, false) => ThresholdOperator.GreaterThan,
            _ => ThresholdOperator.GreaterThanOrEqual,
        };
    }

    private double ReadLimit(ThresholdMetric metric)
    {
        double number = ReadNumber("a number after the operator");
        (string unit, int unitStart) = ReadUnit();
        switch (metric)
        {
            case ThresholdMetric.ErrorRate when unit == "%":
                return number <= 100 ? number / 100 : throw Expected(unitStart, "a percent from 0% to 100%");
            case ThresholdMetric.ErrorRate when unit.Length == 0:
                return number <= 1 ? number : throw Expected(unitStart, "a fraction from 0 to 1 or a percent; write 5% for five percent");
            case ThresholdMetric.ErrorRate:
                throw Expected(unitStart, "a percent (1%) or a fraction (0.01) for error_rate");
            case ThresholdMetric.RequestsPerSecond or ThresholdMetric.Requests or ThresholdMetric.Failures or ThresholdMetric.OutputTokensPerSecond:
                return unit.Length == 0 ? number : throw Expected(unitStart, $"a plain number for {metric switch
                {
                    ThresholdMetric.RequestsPerSecond => "rps (requests per second)",
                    ThresholdMetric.OutputTokensPerSecond => "output_tps (output tokens per second)",
                    ThresholdMetric.Requests => "requests",
                    _ => "failures",
                }}, without a unit");
            default:
                return unit.Length == 0 ? number : ToMilliseconds(this, number, unit, unitStart);
        }
    }

    private (bool Abort, TimeSpan Grace) ReadAbort(ThresholdMetric metric, ThresholdOperator comparison)
    {
        if (AtEnd)
        {
            return (false, TimeSpan.Zero);
        }

        int start = _position;
        string word = ReadWord();
        if (!word.Equals("abort", StringComparison.OrdinalIgnoreCase))
        {
            throw Expected(start, "'abort' or the end of the expression");
        }

        if (metric == ThresholdMetric.Requests && comparison is ThresholdOperator.GreaterThan or ThresholdOperator.GreaterThanOrEqual)
        {
            throw Problem(start, "no 'abort' on a lower bound on requests: the count only grows, so it fails until the end of every run");
        }

        SkipSpaces();
        int afterStart = _position;
        if (AtEnd)
        {
            return (true, TimeSpan.Zero);
        }

        if (!ReadWord().Equals("after", StringComparison.OrdinalIgnoreCase))
        {
            throw Expected(afterStart, "'after' and a grace period (abort after 30s) or the end of the expression");
        }

        SkipSpaces();
        double number = ReadNumber("a grace period such as 30s");
        (string unit, int unitStart) = ReadUnit();
        double seconds = unit.ToLowerInvariant() switch
        {
            "ms" => number / 1000,
            "s" => number,
            "m" => number * 60,
            "h" => number * 3600,
            _ => throw Expected(unitStart, "a unit for the grace period: ms, s, m or h"),
        };
        SkipSpaces();
        return (true, TimeSpan.FromSeconds(seconds));
    }

    private static double ToMilliseconds(ThresholdParser parser, double number, string unit, int unitStart) =>
        unit.ToLowerInvariant() switch
        {
            "us" or "µs" => number / 1000,
            "ms" => number,
            "s" => number * 1000,
            _ => throw parser.Problem(unitStart, $"unknown unit '{unit}'; expected {LatencyUnits}"),
        };

    private double ReadNumber(string expected)
    {
        int start = _position;
        while (!AtEnd && char.IsAsciiDigit(Current))
        {
            _position++;
        }

        if (!AtEnd && Current == '.' && _position + 1 < _text.Length && char.IsAsciiDigit(_text[_position + 1]))
        {
            _position++;
            while (!AtEnd && char.IsAsciiDigit(Current))
            {
                _position++;
            }
        }

        return _position > start
            ? double.Parse(_text.AsSpan(start, _position - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            : throw Expected(start, expected);
    }

    /// <summary>Letters and underscores: a metric or keyword.</summary>
    private string ReadWord()
    {
        int start = _position;
        while (!AtEnd && (char.IsAsciiLetter(Current) || Current == '_'))
        {
            _position++;
        }

        return _text[start.._position];
    }

    /// <summary>A unit glued to (or spaced from) its number: letters, <c>µ</c>, or <c>%</c>.</summary>
    private (string Unit, int Start) ReadUnit()
    {
        int afterNumber = _position;
        SkipSpaces();
        int start = _position;
        if (!AtEnd && Current == '%')
        {
            _position++;
            return ("%", start);
        }

        while (!AtEnd && (char.IsAsciiLetter(Current) || Current is 'µ' or 'μ'))
        {
            _position++;
        }

        // The Greek small mu (U+03BC) looks the same as the micro sign (U+00B5); accept both.
        string unit = _text[start.._position].Replace('μ', 'µ');

        // "abort" is not a unit but the keyword after a plain number: error_rate<0.01 abort.
        if (unit.Length == 0 || unit.Equals("abort", StringComparison.OrdinalIgnoreCase))
        {
            _position = start;
            return (string.Empty, afterNumber);
        }

        return (unit, start);
    }

    private void SkipSpaces()
    {
        while (!AtEnd && char.IsWhiteSpace(Current))
        {
            _position++;
        }
    }

    private void Expect(char expected, string description)
    {
        if (AtEnd || Current != expected)
        {
            throw Expected(_position, description);
        }

        _position++;
    }

    private void ExpectEnd(string description)
    {
        SkipSpaces();
        if (!AtEnd)
        {
            throw Expected(_position, description);
        }
    }

    private ThresholdSyntaxException Expected(int position, string what) => Problem(position, "expected " + what);

    private ThresholdSyntaxException Problem(int position, string problem) => new(_text, position, problem);
}
