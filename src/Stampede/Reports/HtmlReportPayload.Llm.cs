using System.Globalization;
using System.Text.Json;

namespace Stampede.Reports;

/// <summary>
/// The LLM section's chart data (<c>llm</c>): per second, each LLM row's TTFT p50 and p95 and its output tokens/s; over
/// the whole run, each row's TTFT and ITL by percentile. Absent from a run without streams.
/// </summary>
internal static partial class HtmlReportPayload
{
    /// <summary>The TTFT percentiles drawn over time, as keys of the distributions' <c>percentiles</c>.</summary>
    public static IReadOnlyList<string> LlmOverTimePercentiles { get; } = ["50", "95"];

    private static void WriteLlm(Utf8JsonWriter writer, RunDocument document)
    {
        // Aggregated first, as in the other charts' data; the table has it last, as a total.
        List<(RunDocumentRow Row, RunDocumentLlm Llm, bool Total)> rows = [.. HtmlReportWriter.LlmRows(document).OrderByDescending(r => r.Total)];
        if (rows.Count == 0)
        {
            return;
        }

        IReadOnlyList<RunDocumentInterval> history = document.History;
        writer.WriteStartObject("llm");
        writer.WriteStartArray("rows");
        foreach ((RunDocumentRow row, _, bool total) in rows)
        {
            Func<RunDocumentInterval, RunDocumentLlm?> select = total ? i => i.Aggregated.Llm : i => Find(i, row)?.Llm;
            writer.WriteStartObject();
            writer.WriteString("label", total ? "Aggregated" : Label(row));
            foreach (string key in LlmOverTimePercentiles)
            {
                // A second in which no stream of the row ended has no TTFT: a gap in the line, not a zero.
                writer.WriteStartArray("ttftP" + key);
                foreach (RunDocumentInterval interval in history)
                {
                    if (select(interval) is { TtftMs.Count: > 0 } llm && llm.TtftMs.Percentiles.TryGetValue(key, out double ms))
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

            // Tokens are counted when their stream ends: a second in which none ended produced none.
            Series(writer, "outputTokensPerSecond", history, i => select(i)?.OutputTokensPerSecond ?? 0);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteLlmDistribution(writer, rows);
        writer.WriteEndObject();
    }

    /// <summary>
    /// TTFT and ITL by percentile, from the document's percentile keys (50 … 99.99; the 100th is the maximum, which a
    /// "nines" axis cannot place). Each curve stops one decade past the depth its own count resolves, as the latency
    /// distribution's do, so a run of 40 streams draws no p99.99 that is only its maximum.
    /// </summary>
    private static void WriteLlmDistribution(Utf8JsonWriter writer, List<(RunDocumentRow Row, RunDocumentLlm Llm, bool Total)> rows)
    {
        List<string> keys = [.. rows.SelectMany(r => r.Llm.TtftMs.Percentiles.Keys.Concat(r.Llm.ItlMs.Percentiles.Keys))
            .Distinct(StringComparer.Ordinal)
            .Select(k => (Key: k, Percentile: double.Parse(k, CultureInfo.InvariantCulture)))
            .Where(k => k.Percentile < 100)
            .OrderBy(k => k.Percentile)
            .Select(k => k.Key)];

        writer.WriteStartObject("distribution");
        writer.WriteStartArray("percentiles");
        foreach (string key in keys)
        {
            Number(writer, double.Parse(key, CultureInfo.InvariantCulture), decimals: 6);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("rows");
        foreach ((RunDocumentRow row, RunDocumentLlm llm, bool total) in rows)
        {
            writer.WriteStartObject();
            writer.WriteString("label", total ? "Aggregated" : Label(row));
            writer.WriteNumber("streams", llm.Requests);
            Curve(writer, "ttftMs", llm.TtftMs, keys);
            Curve(writer, "itlMs", llm.ItlMs, keys);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void Curve(Utf8JsonWriter writer, string name, RunDocumentDistribution distribution, List<string> keys)
    {
        double depth = Math.Min(MaxNines, Math.Log10(Math.Max(1, distribution.Count)) + 1);
        writer.WriteStartArray(name);
        foreach (string key in keys)
        {
            double nines = -Math.Log10(1 - (double.Parse(key, CultureInfo.InvariantCulture) / 100));
            if (distribution.Count > 0 && nines <= depth + 1e-9 && distribution.Percentiles.TryGetValue(key, out double ms))
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
}
