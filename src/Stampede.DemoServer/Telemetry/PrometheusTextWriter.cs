using System.Globalization;
using System.Text;

namespace Stampede.Demo.Telemetry;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4: <c># HELP</c> and <c># TYPE</c> once per family,
/// then one <c>name{label="value",…} value</c> line per sample, every line ending in <c>\n</c>.
/// </summary>
/// <remarks>
/// Written here rather than taken from prometheus-net, whose old Microsoft.Extensions.* dependencies fail the
/// restore (NU1603 as an error) of every project that references this one without referencing ASP.NET Core itself.
/// </remarks>
internal sealed class PrometheusTextWriter
{
    /// <summary>The media type of this format, for the Content-Type header.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new(8 * 1024);

    /// <summary>Starts a family. <paramref name="type"/> is counter, gauge or histogram.</summary>
    public void Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ');
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => _text.Append(@"\\"),
                '\n' => _text.Append(@"\n"),
                _ => _text.Append(c),
            };
        }

        _text.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>Writes a sample without labels.</summary>
    public void Sample(string name, double value) => Sample(name, [], value);

    /// <summary>Writes a sample; <paramref name="labels"/> are written in the order given.</summary>
    public void Sample(string name, ReadOnlySpan<(string Name, string Value)> labels, double value)
    {
        _text.Append(name);
        if (!labels.IsEmpty)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    _text.Append(',');
                }

                _text.Append(labels[i].Name).Append("=\"");
                AppendLabelValue(labels[i].Value);
                _text.Append('"');
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    /// <summary>Writes a histogram's <c>_bucket</c> (cumulative, ending with <c>le="+Inf"</c>), <c>_sum</c> and <c>_count</c> lines.</summary>
    public void Histogram(string name, (string Name, string Value)? label, HistogramSnapshot histogram)
    {
        var bucketName = name + "_bucket";
        var cumulative = 0L;
        for (var i = 0; i <= histogram.UpperBounds.Count; i++)
        {
            cumulative += histogram.Counts[i];
            var le = i < histogram.UpperBounds.Count ? FormatValue(histogram.UpperBounds[i]) : "+Inf";
            if (label is { } l)
            {
                Sample(bucketName, [l, ("le", le)], cumulative);
            }
            else
            {
                Sample(bucketName, [("le", le)], cumulative);
            }
        }

        if (label is { } one)
        {
            Sample(name + "_sum", [one], histogram.Sum);
            Sample(name + "_count", [one], histogram.Count);
        }
        else
        {
            Sample(name + "_sum", histogram.Sum);
            Sample(name + "_count", histogram.Count);
        }
    }

    public override string ToString() => _text.ToString();

    /// <summary>Formats a sample value as Prometheus reads it: <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, or a round-trip decimal.</summary>
    public static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private void AppendLabelValue(string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => _text.Append(@"\\"),
                '"' => _text.Append("\\\""),
                '\n' => _text.Append(@"\n"),
                _ => _text.Append(c),
            };
        }
    }
}
