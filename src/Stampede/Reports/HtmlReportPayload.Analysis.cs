using System.Text.Json;

namespace Stampede.Reports;

/// <summary>The Analysis section's part of the payload: the knee and the watched resources' lines.</summary>
internal static partial class HtmlReportPayload
{
    /// <summary>
    /// Writes <c>analysis</c>, only for a page with an Analysis section (so the payload of a run that watched
    /// nothing is unchanged): <c>knee</c>, the chart x (end of the interval, as <c>seconds</c>) of the knee's
    /// history second, or null; and <c>resources</c>, one chart per resource with its lines (label, unit,
    /// capacity, whether the values are % of it, one value per history interval). The throughput and latency
    /// charts of the section draw <c>requestsPerSecond</c>, <c>failuresPerSecond</c>, <c>users</c> and the
    /// aggregated row's p50 and p95, already in the payload.
    /// </summary>
    private static void WriteAnalysis(Utf8JsonWriter writer, RunDocument document)
    {
        if (!HtmlReportWriter.HasAnalysis(document))
        {
            return;
        }

        writer.WriteStartObject("analysis");
        if (KneeX(document) is { } knee)
        {
            Number(writer, "knee", knee);
        }
        else
        {
            writer.WriteNull("knee");
        }

        writer.WriteStartArray("resources");
        foreach (HtmlReportResourceChart chart in HtmlReportResourceChart.Of(document))
        {
            writer.WriteStartObject();
            writer.WriteString("resource", chart.Resource);
            writer.WriteStartArray("lines");
            foreach (HtmlReportResourceLine line in chart.Lines)
            {
                writer.WriteStartObject();
                writer.WriteString("label", line.Label);
                writer.WriteString("unit", line.Unit);
                if (line.Capacity is { } capacity)
                {
                    Number(writer, "capacity", capacity);
                }
                else
                {
                    writer.WriteNull("capacity");
                }

                writer.WriteBoolean("percent", line.Percent);
                writer.WriteStartArray("values");
                foreach (double? value in line.Values)
                {
                    if (value is { } v)
                    {
                        Number(writer, v);
                    }
                    else
                    {
                        writer.WriteNullValue();
                    }
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteAutoscaling(writer, document);
        WriteDrift(writer, document);
        writer.WriteEndObject();
    }

    /// <summary>Where the knee is drawn: the x of its history interval (its end, as every point of the charts), or null without a knee in the history.</summary>
    public static double? KneeX(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Analysis?.Bottleneck?.AtSecond is not { } second)
        {
            return null;
        }

        foreach (RunDocumentInterval interval in document.History)
        {
            if (interval.Second == second)
            {
                return interval.Second + interval.DurationSeconds;
            }
        }

        return null;
    }
}
