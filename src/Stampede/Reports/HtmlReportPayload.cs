using System.Text.Encodings.Web;
using System.Text.Json;
using HdrHistogram;
using Stampede.Metrics;

namespace Stampede.Reports;

/// <summary>
/// The data the HTML report's charts draw, as the JSON embedded in the page: columnar series over the
/// run's seconds (what uPlot takes), and each row's latency-by-percentile curve decoded from its
/// HdrHistogram here, so the page needs no histogram decoder.
/// </summary>
/// <remarks>
/// Only what the charts draw is embedded, not the run document: a long run's document carries a
/// histogram per row per second, which would make the page many megabytes for nothing.
/// </remarks>
internal static partial class HtmlReportPayload
{
    /// <summary>Points per decade of the percentile curve (0%, 90%, 99%, … are one decade apart).</summary>
    public const int PointsPerDecade = 20;

    /// <summary>The deepest percentile drawn: 99.9999% (six nines).</summary>
    public const double MaxNines = 6;

    /// <summary>The interval percentiles drawn over time, as keys of <c>percentilesMs</c>.</summary>
    public static IReadOnlyList<string> OverTimePercentiles { get; } = ["50", "95", "99"];

    // The default encoder escapes <, >, & and quotes as \u003C …, so the JSON cannot close the
    // <script> element it is embedded in, whatever a request name holds.
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.Default, Indented = false };

    /// <summary>The payload of <paramref name="document"/>, as JSON text safe to embed in an HTML <c>&lt;script&gt;</c> element.</summary>
    public static string ToJson(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            Write(writer, document);
        }

        string json = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);

        // Belt and braces: the encoder never writes '<', but the page must not depend on an encoder default.
        return json.Replace("</", "<\\/", StringComparison.Ordinal);
    }

    private static void Write(Utf8JsonWriter writer, RunDocument document)
    {
        IReadOnlyList<RunDocumentInterval> history = document.History;
        writer.WriteStartObject();

        writer.WriteStartArray("seconds");
        foreach (RunDocumentInterval interval in history)
        {
            Number(writer, interval.Second + interval.DurationSeconds);
        }

        writer.WriteEndArray();
        Series(writer, "users", history, i => i.Users);
        Series(writer, "requestsPerSecond", history, i => i.Aggregated.RequestsPerSecond);
        Series(writer, "failuresPerSecond", history, i => i.Aggregated.FailuresPerSecond);

        writer.WriteStartArray("rows");
        WriteRowOverTime(writer, "Aggregated", history, i => i.Aggregated);
        foreach (RunDocumentRow row in document.Rows)
        {
            WriteRowOverTime(writer, Label(row), history, i => Find(i, row));
        }

        writer.WriteEndArray();
        WriteDistribution(writer, document);
        WriteGenerator(writer, document.Generator);
        WriteAnalysis(writer, document);
        WriteLlm(writer, document);
        writer.WriteEndObject();
    }

    /// <summary>How a row is named in the report: <c>POST predict small</c>, or <c>Aggregated</c>.</summary>
    public static string Label(RunDocumentRow row) =>
        string.IsNullOrEmpty(row.Method) ? row.Name : $"{row.Method} {row.Name}";

    private static RunDocumentIntervalRow? Find(RunDocumentInterval interval, RunDocumentRow row)
    {
        foreach (RunDocumentIntervalRow candidate in interval.Rows)
        {
            if (string.Equals(candidate.Method, row.Method, StringComparison.Ordinal) && string.Equals(candidate.Name, row.Name, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }

    private static void WriteRowOverTime(Utf8JsonWriter writer, string label, IReadOnlyList<RunDocumentInterval> history, Func<RunDocumentInterval, RunDocumentIntervalRow?> select)
    {
        writer.WriteStartObject();
        writer.WriteString("label", label);
        foreach (string key in OverTimePercentiles)
        {
            // A second without requests of the row has no latency: a gap in the line, not a zero.
            writer.WriteStartArray("p" + key);
            foreach (RunDocumentInterval interval in history)
            {
                RunDocumentIntervalRow? row = select(interval);
                if (row is { Requests: > 0 } && row.PercentilesMs.TryGetValue(key, out double ms))
                {
                    Number(writer, ms);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteDistribution(Utf8JsonWriter writer, RunDocument document)
    {
        var curves = new List<(string Label, HistogramBase Histogram, RunDocumentRow Row)>();
        foreach (RunDocumentRow row in document.Rows.Prepend(document.Aggregated))
        {
            if (row.Requests > 0 && row.Histogram is { } encoded)
            {
                curves.Add((Label(row), HistogramCodec.DecodeBase64(encoded), row));
            }
        }

        // One decade past the depth the row's own count resolves (log10 of the count), so each curve
        // ends on a flat stretch at its maximum instead of stopping short of it.
        double Depth(HistogramBase h) => Math.Min(MaxNines, Math.Log10(Math.Max(1, h.TotalCount)) + 1);
        int steps = curves.Count == 0 ? 0 : (int)Math.Ceiling(curves.Max(c => Depth(c.Histogram)) * PointsPerDecade);

        writer.WriteStartObject("distribution");
        writer.WriteStartArray("percentiles");
        for (int i = 0; i <= steps; i++)
        {
            Number(writer, PercentileAt(i), decimals: 6);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("rows");
        foreach ((string label, HistogramBase histogram, RunDocumentRow row) in curves)
        {
            int ownSteps = (int)Math.Ceiling(Depth(histogram) * PointsPerDecade);
            writer.WriteStartObject();
            writer.WriteString("label", label);
            writer.WriteNumber("requests", row.Requests);
            writer.WriteStartArray("ms");
            for (int i = 0; i <= steps; i++)
            {
                if (i > ownSteps)
                {
                    writer.WriteNullValue();
                    continue;
                }

                // As every other percentile Stampede reports: HdrHistogram's value at the percentile
                // (µs), clamped to the row's exact minimum and maximum. The 0th is the exact minimum,
                // where HdrHistogram would answer the top of the minimum's bucket.
                double ms = i == 0 ? row.MinMs : histogram.GetValueAtPercentile(PercentileAt(i)) / 1000.0;
                Number(writer, Math.Clamp(ms, row.MinMs, row.MaxMs));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The percentile of step <paramref name="step"/>: 100 × (1 − 10^(−step / points per decade)).</summary>
    public static double PercentileAt(int step) =>
        Math.Round(100 * (1 - Math.Pow(10, -(double)step / PointsPerDecade)), 6);

    private static void WriteGenerator(Utf8JsonWriter writer, RunDocumentGenerator generator)
    {
        writer.WriteStartObject("generator");
        Number(writer, "thresholdPercent", generator.CpuWarningThresholdPercent);
        writer.WriteStartArray("seconds");
        foreach (RunDocumentGeneratorSample sample in generator.Samples)
        {
            writer.WriteNumberValue(sample.Second);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("cpuPercent");
        foreach (RunDocumentGeneratorSample sample in generator.Samples)
        {
            Number(writer, sample.CpuPercent);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("gcPauseMs");
        foreach (RunDocumentGeneratorSample sample in generator.Samples)
        {
            Number(writer, sample.GcPauseMs);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void Series(Utf8JsonWriter writer, string name, IReadOnlyList<RunDocumentInterval> history, Func<RunDocumentInterval, double> select)
    {
        writer.WriteStartArray(name);
        foreach (RunDocumentInterval interval in history)
        {
            Number(writer, select(interval));
        }

        writer.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        Number(writer, value);
    }

    private static void Number(Utf8JsonWriter writer, double value, int decimals = 3)
    {
        // Times are µs-precise ms and rates need no more than 3 decimals; JSON has no NaN or infinity.
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(Math.Round(value, decimals));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
