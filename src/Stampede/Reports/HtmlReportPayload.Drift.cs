using System.Text.Json;

namespace Stampede.Reports;

/// <summary>The drift lines of the Analysis section's payload.</summary>
internal static partial class HtmlReportPayload
{
    /// <summary>
    /// Writes <c>analysis.drift</c>, only when the document has a drift analysis (so other payloads are unchanged): one
    /// fitted Theil–Sen line per series, as the charts draw it: <c>metric</c>, <c>label</c> (the latency chart's row
    /// label, or the resource chart's line label for memory), <c>verdict</c>, <c>unit</c>, and the line from
    /// (<c>from</c>, <c>start</c>) to (<c>to</c>, <c>end</c>) in seconds of the charts' x axis and the series' unit.
    /// </summary>
    private static void WriteDrift(Utf8JsonWriter writer, RunDocument document)
    {
        if (document.Analysis?.Drift is not { Count: > 0 } drift)
        {
            return;
        }

        writer.WriteStartArray("drift");
        foreach (RunDocumentDrift d in drift)
        {
            writer.WriteStartObject();
            writer.WriteString("metric", d.Metric);
            writer.WriteString("label", d.Metric == "memory" ? $"{d.Series} · {d.Source}" : d.Row ?? "Aggregated");
            writer.WriteString("verdict", d.Verdict);
            writer.WriteString("unit", d.Unit);
            Number(writer, "from", d.FromSecond);
            Number(writer, "to", d.ToSecond);
            Number(writer, "start", d.StartValue);
            Number(writer, "end", d.EndValue);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
