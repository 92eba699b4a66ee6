using System.Text;
using Stampede.Analysis;

namespace Stampede.Reports;

/// <summary>
/// The Analysis section's drift table (<c>analysis.drift</c>): each series' Theil–Sen slope with its 95% interval, the
/// change over the run and the verdict, the soak's verdict under <c>--soak</c>, and the drift's definitions; the charts
/// draw each fitted line (report.js). A run too short to judge has none of it.
/// </summary>
internal static partial class HtmlReportWriter
{
    /// <summary>Whether <paramref name="document"/> has a drift analysis with at least one series.</summary>
    public static bool HasDrift(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.Analysis?.Drift is { Count: > 0 };
    }

    /// <summary>The soak's checks of <paramref name="document"/>: the series <c>--soak</c> judged, and the phrases of those that failed it.</summary>
    public static (int Total, IReadOnlyList<string> Failures) SoakCounts(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Analysis?.SoakNoData is { } why)
        {
            // --soak on a run too short to judge: one failed check, as the console counts it.
            return (1, [$"soak ({why})"]);
        }

        RunDocumentDrift[] judged = [.. (document.Analysis?.Drift ?? []).Where(d => d.Soak)];
        return (judged.Length, [.. judged.Where(d => d.Verdict == "rising").Select(d => $"drift: {DriftLabel(d)} rising")]);
    }

    private static void Drift(StringBuilder html, RunDocument document)
    {
        if (document.Analysis?.Drift is not { Count: > 0 } drift)
        {
            return;
        }

        RunDocumentDrift first = drift[0];
        html.Append(s_invariant, $"<h3 id=\"drift\">Drift over the run</h3>\n<p class=\"hint\">Each series' Theil–Sen slope over {Elapsed(first.FromSecond)}–{Elapsed(first.ToSecond)}, after the warm-up, with its 95% interval (Sen's method) and the Mann–Kendall p-value. <em>rising</em> or <em>falling</em>: the whole interval is on one side of 0 and the change over the run is material. The dotted lines on the p95 and memory charts are the fitted lines.</p>\n");
        (int total, IReadOnlyList<string> failures) = SoakCounts(document);
        if (total > 0)
        {
            (string cls, string word, string text) = failures.Count == 0
                ? ("ok", "Soak: passed", "No latency or memory series is rising.")
                : ("fail", "Soak: FAILED", string.Join("; ", failures) + ".");
            html.Append(s_invariant, $"<p id=\"soak-verdict\" class=\"verdict {cls}\"><strong>{word}</strong> <span>{Encode(text)}</span></p>\n");
        }

        html.Append("<div class=\"scroll\"><table class=\"data\" id=\"drift-table\"><thead><tr><th>Series</th><th>Verdict</th><th class=\"num\">Slope /min</th><th class=\"num\">95% interval /min</th><th class=\"num\">Change over run</th><th class=\"num\">Change</th><th class=\"num\">Median</th><th class=\"num\">p-value</th><th class=\"num\">n</th></tr></thead><tbody>\n");
        foreach (RunDocumentDrift d in drift)
        {
            string badge = d.Verdict switch
            {
                "rising" when d.Soak => "saturated",
                "rising" or "falling" => "high",
                _ => "idle",
            };
            html.Append(s_invariant, $"<tr data-verdict=\"{Encode(d.Verdict)}\" data-metric=\"{Encode(d.Metric)}\"><td>{Encode(DriftLabel(d))}</td><td><span class=\"badge {badge}\">{Encode(d.Verdict)}{(d.Soak && d.Verdict == "rising" ? " (fails --soak)" : string.Empty)}</span></td>");
            Num(html, DriftText.Amount(d.SlopePerMinute, d.Unit));
            Num(html, DriftText.Interval(d.SlopeLow, d.SlopeHigh, d.Unit));
            Num(html, DriftText.Signed(d.ChangeOverRun, d.Unit));
            Num(html, d.ChangePercent is { } p ? p.ToString("+0.#;-0.#;0", s_invariant) + "%" : "–");
            Num(html, DriftText.Amount(d.Median, d.Unit));
            Num(html, DriftText.PValue(d.PValue));
            Num(html, d.N.ToString(s_invariant) + (d.Points < d.N ? string.Create(s_invariant, $" ({d.Points} bins)") : string.Empty));
            html.Append("</tr>\n");
        }

        html.Append("</tbody></table></div>\n");
    }

    /// <summary>The checks section's soak part: the series <c>--soak</c> judged, how many rose, and a link to the drift table.</summary>
    private static void SoakChecks(StringBuilder html, RunDocument document)
    {
        (int total, IReadOnlyList<string> failures) = SoakCounts(document);
        if (total == 0)
        {
            return;
        }

        string text = failures.Count == 0
            ? string.Create(s_invariant, $"None of the {total} latency and memory series judged is rising.")
            : string.Join("; ", failures) + ".";
        html.Append(s_invariant, $"<h3>Soak</h3>\n<p class=\"coverage\" id=\"soak-checks\"><strong>{(failures.Count == 0 ? "passed" : "FAILED")}</strong> {Encode(text)}{(document.Analysis?.Drift is { Count: > 0 } ? " <a href=\"#drift\">Drift</a>" : string.Empty)}</p>\n");
    }

    /// <summary>How the report names a drift series: <c>p95 of POST predict</c>, <c>requests/s</c>, <c>process_resident_memory_bytes of demo</c>.</summary>
    internal static string DriftLabel(RunDocumentDrift d) => d.Metric switch
    {
        "latency" => $"{d.Series} of {d.Row}",
        "throughput" => d.Row is null or "Aggregated" ? "requests/s" : $"requests/s of {d.Row}",
        _ => d.Source is null ? d.Series : $"{d.Series} of {d.Source}",
    };

    /// <summary>The definitions of the drift's words, or nothing without a drift analysis.</summary>
    private static string DriftDefinitions(RunDocument document) => !HasDrift(document) ? string.Empty :
        """
            <dt>Drift, Theil–Sen slope</dt>
            <dd>After the warm-up (the first 10% of the run, at least 10 s), each per-second series (a row's p95, requests/s, each watched memory series) is fitted by the Theil–Sen line: its slope is the median of the slopes between every pair of seconds, so outliers barely move it. A series of more than 300 seconds is first binned by median to at most 300 points. Slopes are per minute, in the series' unit.</dd>
            <dt>95% interval, p-value</dt>
            <dd>The slope's interval by Sen's method: the ranks (N ∓ z·√Var(S))/2 of the N ordered pairwise slopes, Var(S) the Mann–Kendall variance corrected for ties, z the normal quantile 1.96. The p-value is the Mann–Kendall test's, two-sided.</dd>
            <dt>Rising, falling, stable</dt>
            <dd><em>rising</em>: the interval's lower end is above 0 and the change over the run (slope × the judged window) is at least 10% of the series' median, and at least 1 ms for latency; <em>falling</em> symmetrically; else <em>stable</em>. With <code>--soak</code>, a rising latency or memory series fails the run's checks (exit code 3).</dd>

        """;
}
