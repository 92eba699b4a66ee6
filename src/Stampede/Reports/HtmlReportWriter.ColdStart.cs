using System.Text;

namespace Stampede.Reports;

/// <summary>
/// The cold start in the Analysis section (<c>analysis.coldStart</c>): the verdict, cards for the ready time, the first
/// request, the steady p50 and the penalty, one table line per start, one per row, and the warm-up kept apart.
/// </summary>
internal static partial class HtmlReportWriter
{
    private static void ColdStart(StringBuilder html, RunDocumentColdStart? cold)
    {
        if (cold is null)
        {
            return;
        }

        html.Append("<div id=\"cold-start\">\n<h3>Cold start</h3>\n");
        html.Append(s_invariant, $"<p class=\"verdict warn\" id=\"cold-start-verdict\"><strong>Ready in {Seconds(Median(cold.ReadySeconds.Select(r => (double?)r)))} s</strong> <span>{Encode(cold.Summary)}</span></p>\n");
        if (cold.Command is not null)
        {
            html.Append(s_invariant, $"<p class=\"coverage\" id=\"cold-start-command\"><strong>Started:</strong> <code>{Encode(cold.Command)}</code>, ready once <code>{Encode(cold.ReadyUrl)}</code> answered 2xx.</p>\n");
        }

        html.Append("<dl class=\"cards small\" id=\"cold-start-cards\">\n");
        Card(html, cold.ReadySeconds.Count == 1 ? "Ready" : $"Ready (median of {cold.ReadySeconds.Count.ToString(s_invariant)})", Seconds(Median(cold.ReadySeconds.Select(r => (double?)r))), cold.ReadySeconds.Count == 1 ? "s" : $"s, {Seconds(cold.ReadySeconds.Min())}–{Seconds(cold.ReadySeconds.Max())}");
        string row = $"{cold.Method} {cold.Name}".Trim();
        if (Median(cold.FirstRequestMs) is { } first)
        {
            Card(html, cold.FirstRequestMs.Count == 1 ? "First request" : "First request (median)", Short(first), $"ms, {row}");
        }

        if (cold.SteadyP50Ms is { } steady)
        {
            Card(html, "Steady p50", Short(steady), cold.WarmupSeconds > 0 ? $"ms, after {cold.WarmupSeconds.ToString(s_invariant)} s" : "ms");
        }

        if (cold.PenaltyMs is { } penalty)
        {
            Card(html, "Penalty", (penalty >= 0 ? "+" : "−") + Short(Math.Abs(penalty)), "ms");
        }

        html.Append("</dl>\n");
        ColdStartTable(html, cold);
        if (cold.Warmup is { } warm)
        {
            html.Append(s_invariant, $"<p class=\"coverage\" id=\"cold-start-warmup\"><strong>Warm-up</strong> (the run's first {warm.ToSecond - warm.FromSecond} s, left out of the steady p50): {warm.Requests:#,0} requests, {warm.Failures:#,0} failed, p50 {MsOrDash(warm.P50Ms)} ms, p95 {MsOrDash(warm.P95Ms)} ms; after it: {cold.Steady.Requests:#,0} requests, p50 {MsOrDash(cold.Steady.P50Ms)} ms, p95 {MsOrDash(cold.Steady.P95Ms)} ms.</p>\n");
        }

        html.Append("</div>\n");
    }

    /// <summary>One line per start: its ready time and each row's first request.</summary>
    private static void ColdStartTable(StringBuilder html, RunDocumentColdStart cold)
    {
        html.Append("<div class=\"scroll\"><table class=\"data\" id=\"cold-start-table\"><thead><tr><th class=\"num\">Start</th><th class=\"num\">Ready s</th>");
        foreach (RunDocumentColdStartRow r in cold.Rows)
        {
            html.Append(s_invariant, $"<th class=\"num\">First {Encode($"{r.Method} {r.Name}".Trim())} ms</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        for (int i = 0; i < cold.ReadySeconds.Count; i++)
        {
            html.Append(s_invariant, $"<tr><td class=\"num\">{i + 1}</td><td class=\"num\">{cold.ReadySeconds[i]:0.000}</td>");
            foreach (RunDocumentColdStartRow r in cold.Rows)
            {
                Num(html, i < r.FirstRequestMs.Count && r.FirstRequestMs[i] is { } ms ? Short(ms) : "–");
            }

            html.Append("</tr>\n");
        }

        if (cold.Rows.Count > 0)
        {
            html.Append("<tr class=\"total\"><td>Steady p50</td><td></td>");
            foreach (RunDocumentColdStartRow r in cold.Rows)
            {
                Num(html, r.SteadyP50Ms is { } p50 ? Short(p50) : "–");
            }

            html.Append("</tr>\n<tr class=\"total\"><td>Penalty</td><td></td>");
            foreach (RunDocumentColdStartRow r in cold.Rows)
            {
                Num(html, r.PenaltyMs is { } p ? (p >= 0 ? "+" : "−") + Short(Math.Abs(p)) : "–");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table></div>\n");
    }

    /// <summary>The definitions of the cold start's words, or nothing without one.</summary>
    private static string ColdStartDefinitions(RunDocument document) => document.Analysis?.ColdStart is null ? string.Empty :
        """
            <dt>Ready time, first request, penalty</dt>
            <dd>Ready time: from the spawn of <code>--target-command</code> to the first 2xx answer of <code>--target-ready</code>, polled every 20 ms (so up to one poll late). First request: right after ready, one user of each class runs each of its tasks once; each row's earliest request is its first, timed as every request is (send to last byte). Steady p50: the same row's median over the main run, from the per-second histograms after the <code>--warmup</code> seconds. Penalty: the median first request minus the steady p50. The main run uses the last start's server, already past its first requests.</dd>

        """;

    private static string Seconds(double? seconds) => seconds is { } s ? s.ToString("0.00", s_invariant) : "–";

    private static double? Median(IEnumerable<double?> values) => Stampede.Analysis.ColdStartAnalyzer.Median(values);
}
