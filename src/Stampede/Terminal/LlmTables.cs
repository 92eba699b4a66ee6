using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Metrics;

namespace Stampede.Terminal;

/// <summary>The console's LLM figures: a line under the live table and a table in the summary (docs/llm.md).</summary>
internal static class LlmTables
{
    /// <summary>The live line, over the run so far: <c>LLM · 12 streams · TTFT p50 … p95 … · ITL p95 … · 310 tokens/s</c>; <see langword="null"/> without streams.</summary>
    public static string? LiveLine(StatsSnapshot stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        if (stats.Total.Llm is not { Requests: > 0 } llm)
        {
            return null;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"LLM · {llm.Requests} streams · TTFT p50 {Ms(llm.TtftMs, 50)} ms, p95 {Ms(llm.TtftMs, 95)} ms · ITL p95 {Ms(llm.ItlMs, 95)} ms · TPOT p50 {Ms(llm.TpotMs, 50)} ms · {llm.OutputTokensPerSecond:0.#} output tokens/s");
    }

    /// <summary>The summary's table of the rows with completed streams, and the aggregate when more than one row has them; nothing without streams.</summary>
    public static IEnumerable<IRenderable> Summary(StatsSnapshot stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        RowStats[] rows = [.. stats.Rows.Where(r => r.Llm is { Requests: > 0 })];
        if (rows.Length == 0)
        {
            yield break;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("LLM streams (vLLM's definitions; ms from each request's intended start)");
        table.AddColumn("Type");
        table.AddColumn("Name");
        foreach (string heading in new[] { "# streams", "TTFT p50", "TTFT p90", "TTFT p99", "ITL p50", "ITL p99", "TPOT p50", "TPOT p99", "e2e p50", "e2e p99", "Out tok avg", "In tok avg", "Out tok/s" })
        {
            table.AddColumn(new TableColumn(heading).RightAligned());
        }

        IEnumerable<RowStats> shown = rows.Length > 1 && stats.Total.Llm is not null ? rows.Append(stats.Total) : rows;
        foreach (RowStats row in shown)
        {
            LlmStats llm = row.Llm!;
            table.AddRow(
                Markup.Escape(row.Key.Method),
                Markup.Escape(row.Key.Name),
                llm.Requests.ToString(CultureInfo.InvariantCulture),
                Ms(llm.TtftMs, 50),
                Ms(llm.TtftMs, 90),
                Ms(llm.TtftMs, 99),
                Ms(llm.ItlMs, 50),
                Ms(llm.ItlMs, 99),
                Ms(llm.TpotMs, 50),
                Ms(llm.TpotMs, 99),
                Ms(llm.E2eMs, 50),
                Ms(llm.E2eMs, 99),
                llm.OutputTokens.Mean.ToString("0.#", CultureInfo.InvariantCulture),
                llm.InputTokensMean is { } input ? input.ToString("0.#", CultureInfo.InvariantCulture) : "–",
                llm.OutputTokensPerSecond.ToString("0.#", CultureInfo.InvariantCulture));
        }

        yield return table;
        foreach (RowStats row in shown)
        {
            if (row.Llm!.Goodput is { } goodput)
            {
                yield return new Markup(Markup.Escape(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Goodput of {(row.Key.Method.Length > 0 ? row.Key.Method + " " : string.Empty)}{row.Key.Name} ({goodput.Bounds}): {goodput.GoodRequests} of {row.Llm.Requests} streams met every bound ({goodput.Share * 100:0.#}%), {goodput.PerSecond:0.##} good streams/s.")) + Environment.NewLine);
            }
        }

        string sources = string.Join(", ", rows.Select(r => r.Llm!.TokenSource).Distinct());
        yield return new Markup(Markup.Escape(
            $"TTFT: to the first token; ITL: every gap between tokens; TPOT: (e2e − TTFT) / (output tokens − 1); e2e: to the end of the stream. "
            + $"Output tokens from {(sources == "usage" ? "the server's usage" : sources == "tokenizer" ? "the client's tokenizer (the server sent no usage)" : "the server's usage where sent, else the client's tokenizer")}; "
            + "failed streams are counted as failures above and left out here.") + Environment.NewLine);
    }

    private static string Ms(LlmDistribution distribution, double percentile) =>
        distribution.Count == 0 ? "–" : StatsTables.Ms(distribution.Get(percentile));
}
