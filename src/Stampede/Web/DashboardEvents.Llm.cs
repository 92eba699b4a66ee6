using System.Text.Json;
using Stampede.Metrics;

namespace Stampede.Web;

/// <summary>The LLM part of a dashboard event: each row's streamed completions (docs/llm.md), and their per-second chart points.</summary>
internal static partial class DashboardEvents
{
    /// <summary>
    /// Writes a row's <c>llm</c> (absent when the row has no completed stream): <c>requests</c> (completed streams),
    /// <c>ttftP50Ms</c>, <c>ttftP95Ms</c>, <c>ttftP99Ms</c>, <c>itlP50Ms</c>, <c>itlP99Ms</c>, <c>tpotP50Ms</c>,
    /// <c>tpotP99Ms</c>, <c>e2eP50Ms</c>, <c>e2eP99Ms</c> (ms from the request's intended start; null where the
    /// distribution is empty, e.g. TPOT when every stream had one token), <c>outputTokensMean</c>,
    /// <c>inputTokensMean</c> (null when no server reported prompt tokens), <c>outputTokensPerSecond</c> (over the
    /// run so far), <c>tokenSource</c> (<c>usage</c>, <c>tokenizer</c>, <c>mixed</c>) and, with <c>--goodput</c>,
    /// <c>goodput</c>: <c>bounds</c> (as written), <c>requests</c> (streams that met every bound), <c>share</c> (0 to
    /// 1) and <c>perSecond</c> (over the run so far).
    /// </summary>
    private static void WriteLlm(Utf8JsonWriter json, LlmStats? llm)
    {
        if (llm is null)
        {
            return;
        }

        json.WriteStartObject("llm");
        json.WriteNumber("requests", llm.Requests);
        WriteMs(json, "ttftP50Ms", llm.TtftMs.Count, llm.TtftMs.Get(50));
        WriteMs(json, "ttftP95Ms", llm.TtftMs.Count, llm.TtftMs.Get(95));
        WriteMs(json, "ttftP99Ms", llm.TtftMs.Count, llm.TtftMs.Get(99));
        WriteMs(json, "itlP50Ms", llm.ItlMs.Count, llm.ItlMs.Get(50));
        WriteMs(json, "itlP99Ms", llm.ItlMs.Count, llm.ItlMs.Get(99));
        WriteMs(json, "tpotP50Ms", llm.TpotMs.Count, llm.TpotMs.Get(50));
        WriteMs(json, "tpotP99Ms", llm.TpotMs.Count, llm.TpotMs.Get(99));
        WriteMs(json, "e2eP50Ms", llm.E2eMs.Count, llm.E2eMs.Get(50));
        WriteMs(json, "e2eP99Ms", llm.E2eMs.Count, llm.E2eMs.Get(99));
        WriteFinite(json, "outputTokensMean", llm.OutputTokens.Count > 0 ? Math.Round(llm.OutputTokens.Mean, 2) : null);
        WriteFinite(json, "inputTokensMean", llm.InputTokensMean is { } input ? Math.Round(input, 2) : null);
        WriteFinite(json, "outputTokensPerSecond", Math.Round(llm.OutputTokensPerSecond, 2));
        json.WriteString("tokenSource", llm.TokenSource);
        if (llm.Goodput is { } goodput)
        {
            json.WriteStartObject("goodput");
            json.WriteString("bounds", goodput.Bounds);
            json.WriteNumber("requests", goodput.GoodRequests);
            WriteFinite(json, "share", Math.Round(goodput.Share, 4));
            WriteFinite(json, "perSecond", Math.Round(goodput.PerSecond, 3));
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    /// <summary>
    /// Writes <c>points.llm</c> (absent while the run has no completed stream): <c>ttftP50</c>, <c>ttftP95</c> (ms)
    /// and <c>outputTokensPerSecond</c> of each history interval from <paramref name="from"/> on, aligned with
    /// <c>points.time</c>, from the interval's <c>Total.Llm</c>; the TTFTs are null in a second where no stream
    /// completed, and its tokens/s 0.
    /// </summary>
    /// <remarks>
    /// Sent as points rather than as the latest second's values: the event carries every interval the client does
    /// not have yet, so a client that missed an event or connects mid-run still gets each second once.
    /// </remarks>
    private static void WriteLlmPoints(Utf8JsonWriter json, StatsSnapshot stats, int from)
    {
        if (stats.Total.Llm is null)
        {
            return;
        }

        json.WriteStartObject("llm");
        WriteSeries(json, "ttftP50", stats, from, i => i.Total.Llm is { TtftMs.Count: > 0 } llm ? llm.TtftMs.Get(50) : null);
        WriteSeries(json, "ttftP95", stats, from, i => i.Total.Llm is { TtftMs.Count: > 0 } llm ? llm.TtftMs.Get(95) : null);
        WriteSeries(json, "outputTokensPerSecond", stats, from, i => i.Total.Llm?.OutputTokensPerSecond ?? 0);
        json.WriteEndObject();
    }
}
