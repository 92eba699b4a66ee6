using System.Text;

namespace Stampede.Reports;

/// <summary>
/// The report's LLM section: per row with completed streams (<see cref="RunDocumentRow.Llm"/>) its TTFT, ITL, TPOT and
/// e2e percentiles, tokens and token throughput, and the charts of them. A run without streams renders none of it.
/// </summary>
internal static partial class HtmlReportWriter
{
    /// <summary>The rows of the LLM table: each row with streams, then the aggregated one when more than one row has them.</summary>
    internal static List<(RunDocumentRow Row, RunDocumentLlm Llm, bool Total)> LlmRows(RunDocument document)
    {
        List<(RunDocumentRow Row, RunDocumentLlm Llm, bool Total)> rows = [.. document.Rows.Where(r => r.Llm is not null).Select(r => (r, r.Llm!, false))];
        if (rows.Count > 1 && document.Aggregated.Llm is { } all)
        {
            rows.Add((document.Aggregated, all, true));
        }

        return rows;
    }

    private static bool HasLlm(RunDocument document) => document.Rows.Any(r => r.Llm is not null);

    /// <summary>The table of contents' link to the LLM section, or nothing without streams.</summary>
    private static string LlmLink(RunDocument document) =>
        HasLlm(document) ? "<a href=\"#llm\">LLM</a>\n  " : string.Empty;

    private static string Llm(RunDocument document)
    {
        if (!HasLlm(document))
        {
            return string.Empty;
        }

        List<(RunDocumentRow Row, RunDocumentLlm Llm, bool Total)> rows = LlmRows(document);
        string? goodputBounds = rows.Select(r => r.Llm.Goodput?.Bounds).FirstOrDefault(b => b is not null);
        var html = new StringBuilder();
        html.Append("<section id=\"llm\">\n  <h2>LLM streams</h2>\n");
        html.Append("<p class=\"hint\">Streamed completions that reached <code>[DONE]</code>, timed as vLLM's benchmark times them; failed streams are counted as failed requests in Statistics and left out here.</p>\n");
        html.Append("<div class=\"scroll\"><table class=\"data\" id=\"llm-table\"><thead><tr><th>Type</th><th>Name</th><th class=\"num\">Streams</th>");
        html.Append("<th class=\"num\">TTFT p50 (ms)</th><th class=\"num\">TTFT p90 (ms)</th><th class=\"num\">TTFT p99 (ms)</th><th class=\"num\">ITL p50 (ms)</th><th class=\"num\">ITL p99 (ms)</th>");
        html.Append("<th class=\"num\">TPOT p50 (ms)</th><th class=\"num\">TPOT p99 (ms)</th><th class=\"num\">e2e p50 (ms)</th><th class=\"num\">e2e p99 (ms)</th>");
        html.Append("<th class=\"num\">Output tokens (mean)</th><th class=\"num\">Input tokens (mean)</th><th class=\"num\">Output tokens/s</th><th>Token source</th>");
        if (goodputBounds is not null)
        {
            html.Append("<th class=\"num\">Goodput</th><th class=\"num\">Good streams/s</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        foreach ((RunDocumentRow row, RunDocumentLlm llm, bool isTotal) in rows)
        {
            html.Append(isTotal ? "<tr class=\"total\">" : "<tr>");
            html.Append(s_invariant, $"<td>{Encode(row.Method)}</td><td>{Encode(row.Name)}</td>");
            Num(html, Count(llm.Requests));
            Num(html, Distribution(llm.TtftMs, "50"));
            Num(html, Distribution(llm.TtftMs, "90"));
            Num(html, Distribution(llm.TtftMs, "99"));
            Num(html, Distribution(llm.ItlMs, "50"));
            Num(html, Distribution(llm.ItlMs, "99"));
            Num(html, Distribution(llm.TpotMs, "50"));
            Num(html, Distribution(llm.TpotMs, "99"));
            Num(html, Distribution(llm.E2eMs, "50"));
            Num(html, Distribution(llm.E2eMs, "99"));
            Num(html, llm.OutputTokens.PerRequest.Count == 0 ? "–" : Tokens(llm.OutputTokens.PerRequest.Mean));
            Num(html, llm.InputTokens.Mean is { } input ? Tokens(input) : "–");
            Num(html, Rate(llm.OutputTokensPerSecond));
            html.Append(s_invariant, $"<td>{Encode(llm.TokenSource)}</td>");
            if (goodputBounds is not null)
            {
                Num(html, llm.Goodput is { } goodput ? string.Create(s_invariant, $"{goodput.Share * 100:0.#}% ({Count(goodput.Requests)})") : "–");
                Num(html, llm.Goodput is { } rate ? Rate(rate.PerSecond) : "–");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table></div>\n");
        if (goodputBounds is not null)
        {
            html.Append(s_invariant, $"<p class=\"hint\" id=\"llm-goodput\">Goodput: the share (and count) of completed streams that met every bound of <code>--goodput {Encode(goodputBounds)}</code>, and how many such streams a second.</p>\n");
        }

        html.Append("""
            <div class="grid-2">
              <figure>
                <figcaption>TTFT p50 and p95 (ms) of the streams that ended in each second</figcaption>
                <div class="chart" id="chart-llm-ttft"></div>
              </figure>
              <figure>
                <figcaption>Output tokens/s: the tokens of the streams that ended in each second</figcaption>
                <div class="chart" id="chart-llm-tokens"></div>
              </figure>
              <figure>
                <figcaption>TTFT by percentile over the whole run (ms)</figcaption>
                <div class="chart" id="chart-llm-ttft-distribution"></div>
              </figure>
              <figure>
                <figcaption>ITL by percentile over the whole run (ms), every gap between tokens pooled</figcaption>
                <div class="chart" id="chart-llm-itl-distribution"></div>
              </figure>
            </div>
            </section>


            """);
        return html.ToString();
    }

    /// <summary>A percentile of an LLM distribution in ms, or – when it recorded nothing (TPOT of one-token answers).</summary>
    private static string Distribution(RunDocumentDistribution distribution, string key) =>
        distribution.Count > 0 && distribution.Percentiles.TryGetValue(key, out double value) ? Ms(value) : "–";

    private static string Tokens(double value) => value.ToString("#,0.#", s_invariant);

    private static string LlmDefinitions(RunDocument document) => !HasLlm(document) ? string.Empty :
        """
            <dt>TTFT</dt>
            <dd>Time to first token: from the stream's intended start to its first content event, the first event with text (role-only deltas, empty chunks, comments, keep-alives and the usage chunk are not tokens). As vLLM's benchmark (<code>vllm bench serve</code>) defines it.</dd>
            <dt>ITL</dt>
            <dd>Inter-token latency: every gap between consecutive content events, pooled across the streams, so a long answer weighs by its number of tokens.</dd>
            <dt>TPOT</dt>
            <dd>Time per output token after the first: (e2e − TTFT) / (output tokens − 1), one value per stream with at least 2 tokens.</dd>
            <dt>e2e</dt>
            <dd>End-to-end latency: from the stream's intended start to <code>data: [DONE]</code>. Only streams that completed count; a failed stream is a failed request of its row.</dd>
            <dt>Output tokens, input tokens, output tokens/s</dt>
            <dd>Output tokens of a stream are the server's <code>usage.completion_tokens</code>, else the client's tokenizer's count of the streamed text (<code>cl100k_base</code> unless the scenario sets another: exact for models of that encoding, an estimate for others); input tokens likewise, the server's <code>usage.prompt_tokens</code>, else the tokenizer's count of the prompt's messages. Output tokens/s is the output tokens of the completed streams over the run's duration (in the charts, over the second in which each stream ended).</dd>
            <dt>Goodput</dt>
            <dd>With <code>--goodput</code>: the completed streams that met every per-request bound (TTFT, TPOT, e2e), their share of the completed streams and their rate over the run, as DistServe defines it and vLLM's benchmark measures it. A run without <code>--goodput</code> has no goodput columns.</dd>
            <dt>Token source</dt>
            <dd>Where a row's output token counts came from: <em>usage</em> (the server's usage chunk), <em>tokenizer</em> (the client counted the text: the server sent no usage), or <em>mixed</em> (some streams each way).</dd>

        """;
}
