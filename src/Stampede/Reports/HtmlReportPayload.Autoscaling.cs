using System.Text.Json;

namespace Stampede.Reports;

/// <summary>The autoscaling chart's part of the payload.</summary>
internal static partial class HtmlReportPayload
{
    /// <summary>
    /// Writes <c>analysis.autoscaling</c>, only with a verdict: <c>verdict</c>; <c>offered</c> (per history interval: users,
    /// or arrivals due per second in the open model) with <c>offeredUnit</c>; <c>replicas</c> (the matched series' value per
    /// history interval, null where none was read, or an empty array without the series) with <c>replicasLabel</c> and
    /// <c>replicasUnit</c>; and <c>marks</c>, the chart x (seconds from the start, the start of the second named) and label
    /// of the spike, scale-out, recovery, load drop and scale-in that the verdict has. The p95 line is the aggregated row's.
    /// </summary>
    private static void WriteAutoscaling(Utf8JsonWriter writer, RunDocument document)
    {
        if (document.Analysis?.Autoscaling is not { } a)
        {
            return;
        }

        IReadOnlyList<RunDocumentInterval> history = document.History;
        bool open = document.Arrivals is not null;
        writer.WriteStartObject("autoscaling");
        writer.WriteString("verdict", a.Verdict);
        writer.WriteString("offeredUnit", open ? "arrivals/s" : "users");
        Series(writer, "offered", history, i => open ? i.DueIterations / Math.Max(i.DurationSeconds, 1e-9) : i.Users);

        RunDocumentTargetSeries? series = document.Target?.Series.FirstOrDefault(s => string.Equals(s.Source, a.Source, StringComparison.Ordinal) && string.Equals(DisplayName(s), a.MatchedSeries, StringComparison.Ordinal));
        writer.WriteString("replicasLabel", a.MatchedSeries ?? a.Series);
        writer.WriteString("replicasUnit", series?.Unit ?? a.Unit ?? "replicas");
        writer.WriteStartArray("replicas");
        if (series is not null)
        {
            foreach (RunDocumentInterval interval in history)
            {
                if (interval.Second >= 0 && interval.Second < series.Values.Count && series.Values[(int)interval.Second] is { } value)
                {
                    Number(writer, value);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }
        }

        writer.WriteEndArray();
        writer.WriteStartArray("marks");
        if (a.SpikeAtSecond is { } spike)
        {
            Mark(writer, "spike", "spike", spike);
            if (a.ScaleOutSeconds is { } up)
            {
                Mark(writer, "scale-out", "scale-out", spike + up);
            }

            if (a.RecoverySeconds is { } recovered)
            {
                Mark(writer, "recovery", "recovered", spike + recovered);
            }

            if (a.LoadDropAtSecond is { } drop)
            {
                Mark(writer, "drop", "load falls", drop);
                if (a.ScaleInSeconds is { } down)
                {
                    Mark(writer, "scale-in", "scale-in", drop + down);
                }
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void Mark(Utf8JsonWriter writer, string kind, string label, double x)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", kind);
        writer.WriteString("label", label);
        Number(writer, "x", x);
        writer.WriteEndObject();
    }

    /// <summary>A series' name with its labels, as <see cref="Monitoring.TargetSeries.DisplayName"/> writes it.</summary>
    private static string DisplayName(RunDocumentTargetSeries s) => s.Labels.Count == 0 ? s.Name
        : s.Name + "{" + string.Join(",", s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
}
