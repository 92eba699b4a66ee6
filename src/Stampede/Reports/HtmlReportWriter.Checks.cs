using System.Text;

namespace Stampede.Reports;

/// <summary>
/// The report's checks: the thresholds (<c>--slo</c>), the SLO objectives (<c>--slo-file</c>) and the
/// baseline comparison (<c>--baseline</c>) of the run document, with their one-line verdict. A run
/// without checks renders none of it.
/// </summary>
internal static partial class HtmlReportWriter
{
    /// <summary>Whether <paramref name="document"/> was judged by a threshold, an SLO objective or a baseline.</summary>
    public static bool HasChecks(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return SoakCounts(document).Total > 0 || document.Thresholds is { Count: > 0 } || document.Slos is { Count: > 0 } || document.Baseline is { Rows.Count: > 0 };
    }

    /// <summary>Whether <paramref name="document"/> was judged at all: by a check of the Checks section or by the autoscaling verdict (<c>--expect-scale</c>).</summary>
    public static bool IsJudged(RunDocument document) => HasChecks(document) || document.Analysis?.Autoscaling is not null;

    /// <summary>
    /// The checks made and the ones that failed, one phrase each, counted as the console's last line
    /// counts them (<see cref="Gates.GateResults.Describe"/>): every threshold and objective, and every
    /// compared row; a threshold or objective without data fails, as does a regressed row or an
    /// <c>abort</c> threshold that stopped the run.
    /// </summary>
    public static (int Total, IReadOnlyList<string> Failures) CheckCounts(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        IReadOnlyList<RunDocumentThreshold> thresholds = document.Thresholds ?? [];
        IReadOnlyList<RunDocumentSlo> slos = document.Slos ?? [];
        IReadOnlyList<RunDocumentRowComparison> rows = document.Baseline?.Rows ?? [];
        var failures = new List<string>();
        foreach (RunDocumentThreshold t in thresholds)
        {
            if (!IsPass(t.Result))
            {
                failures.Add($"{t.Expression} ({t.Metric} = {MeasuredText(t)})");
            }
            else if (t.AbortedRun)
            {
                failures.Add($"{t.Expression} aborted the run");
            }
        }

        foreach (RunDocumentSlo s in slos.Where(s => !IsPass(s.Result)))
        {
            failures.Add(IsNoData(s.Result)
                ? $"SLO {s.Name} (no data)"
                : string.Create(s_invariant, $"SLO {s.Name} ({Percent(s.Compliance)} < {Percent(s.Target)})"));
        }

        failures.AddRange(rows.Where(r => r.Verdict == "regressed").Select(r => $"{RowLabel(r)} regressed against the baseline"));
        (int soakTotal, IReadOnlyList<string> soakFailures) = SoakCounts(document);
        failures.AddRange(soakFailures);

        // The autoscaling verdict is one check, as the console counts it (its thresholds judge recovery, not the run).
        RunDocumentAutoscaling? autoscaling = document.Analysis?.Autoscaling;
        if (autoscaling is { Verdict: not "PASS" })
        {
            failures.Add($"autoscaling FAIL ({autoscaling.Reason})");
        }

        int total = (autoscaling is null ? 0 : 1) + soakTotal + thresholds.Count + slos.Count + rows.Count(r => r.Verdict != "notCompared");
        return (Math.Max(total, failures.Count), failures);
    }

    /// <summary>The line under the run's verdict: <c>Checks: FAILED 1 of 3</c> and what failed, or <c>Checks: passed 3 of 3</c>.</summary>
    private static void ChecksVerdict(StringBuilder html, RunDocument document)
    {
        if (!IsJudged(document))
        {
            return;
        }

        (int total, IReadOnlyList<string> failures) = CheckCounts(document);
        (string cls, string word, string text) = failures.Count == 0
            ? ("ok", string.Create(s_invariant, $"Checks: passed {total} of {total}"), "Every threshold, objective and compared row passed.")
            : ("fail", string.Create(s_invariant, $"Checks: FAILED {failures.Count} of {total}"), string.Join("; ", failures) + ".");
        html.Append(s_invariant, $"<p id=\"checks-verdict\" class=\"verdict {cls}\"><strong>{word}</strong> <span>{Encode(text)} <a href=\"#{(HasChecks(document) ? "checks" : "autoscaling")}\">Details</a></span></p>\n");
    }

    /// <summary>The table of contents' link to the checks, or nothing without checks.</summary>
    private static string ChecksLink(RunDocument document) =>
        HasChecks(document) ? "<a href=\"#checks\">Checks</a>\n  " : string.Empty;

    /// <summary>The checks' section, or nothing without checks (the page of a run without checks is unchanged).</summary>
    private static string Checks(RunDocument document)
    {
        if (!HasChecks(document))
        {
            return string.Empty;
        }

        var html = new StringBuilder();
        html.Append("<section id=\"checks\">\n  <h2>Checks</h2>\n");
        foreach (RunDocumentThreshold aborted in (document.Thresholds ?? []).Where(t => t.AbortedRun))
        {
            html.Append(s_invariant, $"<p class=\"verdict fail aborted\"><strong>Aborted</strong> <span>{Encode($"{aborted.Expression} failed during the run and stopped it early; the numbers below are of the run until then.")}</span></p>\n");
        }

        if (document.Thresholds is { Count: > 0 } thresholds)
        {
            Thresholds(html, thresholds);
        }

        if (document.Slos is { Count: > 0 } slos)
        {
            Slos(html, slos);
        }

        if (document.Baseline is { Rows.Count: > 0 } baseline)
        {
            Baseline(html, baseline);
        }

        SoakChecks(html, document);

        html.Append("</section>\n\n");
        return html.ToString();
    }

    private static void Thresholds(StringBuilder html, IReadOnlyList<RunDocumentThreshold> thresholds)
    {
        html.Append("<h3>Thresholds</h3>\n<div class=\"scroll\"><table class=\"data\" id=\"thresholds-table\"><thead><tr><th>Threshold</th><th>Row</th><th class=\"num\">Limit</th><th class=\"num\">Measured</th><th>Result</th><th>Note</th></tr></thead><tbody>\n");
        foreach (RunDocumentThreshold t in thresholds)
        {
            string note = t.AbortedRun ? "stopped the run early (abort)"
                : t.Abort ? "abort: did not stop the run"
                : string.Empty;
            if (t.Note is { Length: > 0 } why)
            {
                note = note.Length == 0 ? why : $"{why}; {note}";
            }

            html.Append(s_invariant, $"<tr><td><code>{Encode(t.Expression)}</code></td><td>{Encode(t.Row ?? "all requests")}</td>");
            Num(html, Value(t.Unit, t.Limit));
            Num(html, t.Measured is { } measured ? Value(t.Unit, measured) : "–");
            Result(html, t.Result);
            html.Append(s_invariant, $"<td class=\"wrap\">{Encode(note)}</td></tr>\n");
        }

        html.Append("</tbody></table></div>\n");
        html.Append("<p class=\"note\">Each threshold measured over the whole run (its row's requests, or every request). NO DATA, for a row without requests, is not a pass.</p>\n");
    }

    private static void Slos(StringBuilder html, IReadOnlyList<RunDocumentSlo> slos)
    {
        html.Append("<h3>Service-level objectives</h3>\n<div class=\"scroll\"><table class=\"data\" id=\"slos-table\"><thead><tr><th>Name</th><th>Row</th><th>Objective</th><th>Result</th><th class=\"num\">Compliance</th><th class=\"num\">Bad requests</th><th class=\"num\">Error budget used</th><th>Worst window</th></tr></thead><tbody>\n");
        foreach (RunDocumentSlo s in slos)
        {
            string objective = s.Kind == "latency"
                ? string.Create(s_invariant, $"{Percent(s.Target)} of requests under {s.LatencyLimitMs ?? 0:0.###} ms")
                : $"error rate under {Percent(1 - s.Target)}";
            html.Append(s_invariant, $"<tr><td>{Encode(s.Name)}</td><td>{Encode(s.Row ?? "all requests")}</td><td>{Encode(objective)}</td>");
            Result(html, s.Result);
            if (IsNoData(s.Result))
            {
                Num(html, "–");
                Num(html, "–");
                Num(html, "–");
                html.Append(s_invariant, $"<td class=\"wrap\">{Encode(s.Note ?? "no requests")}</td></tr>\n");
                continue;
            }

            Num(html, Percent(s.Compliance));
            Num(html, Count(s.BadRequests) + " of " + Count(s.Requests));
            string budget = string.Create(s_invariant, $"{s.ErrorBudgetConsumed * 100:#,0.#}%");
            html.Append(s.ErrorBudgetConsumed > 1
                ? $"<td class=\"num overspent\" title=\"more bad requests than the objective allows\">{Encode(budget)} <small>overspent</small></td>"
                : $"<td class=\"num\">{Encode(budget)}</td>");
            string window = s.WorstWindow is { } w
                ? string.Create(s_invariant, $"{Percent(w.Compliance)} in {Elapsed(w.StartSecond)}–{Elapsed(w.StartSecond + w.Seconds)} ({w.Seconds} s, {Count(w.BadRequests)} of {Count(w.Requests)} bad)")
                : "–";
            html.Append(s_invariant, $"<td class=\"wrap\">{Encode(window)}</td></tr>\n");
        }

        html.Append("</tbody></table></div>\n");
        html.Append("<p class=\"note\">Compliance is the share of good requests over the run's complete seconds. The error budget is the share of requests the objective lets be bad; above 100% it is overspent and the objective is missed. The worst window is the (up to) 60 consecutive seconds with the lowest compliance (minutes:seconds from the start).</p>\n");
    }

    private static void Baseline(StringBuilder html, RunDocumentBaselineComparison baseline)
    {
        html.Append("<h3>Baseline comparison</h3>\n");
        html.Append(s_invariant, $"<p class=\"baseline-source\" id=\"baseline-source\">{Encode(string.Create(s_invariant, $"This run compared with {baseline.Source ?? "its baseline"}, tolerance ±{baseline.Tolerance * 100:0.##}%."))}</p>\n");
        html.Append("<div class=\"scroll\"><table class=\"data\" id=\"baseline-table\"><thead><tr><th>Row</th><th>Verdict</th><th>Metric</th><th class=\"num\">Baseline</th><th class=\"num\">This run</th><th class=\"num\">Change</th><th class=\"num\">p-value</th><th>Metric verdict</th></tr></thead><tbody>\n");
        foreach (RunDocumentRowComparison row in baseline.Rows)
        {
            string rowClass = row.Name == "Aggregated" && row.Method.Length == 0 ? " class=\"total\"" : string.Empty;
            if (row.Metrics.Count == 0)
            {
                html.Append(s_invariant, $"<tr{rowClass}><td>{Encode(RowLabel(row))}</td>{RowVerdict(row, string.Empty)}<td colspan=\"6\" class=\"wrap\">{Encode(row.Reason)}</td></tr>\n");
                continue;
            }

            string span = string.Create(s_invariant, $" rowspan=\"{row.Metrics.Count}\"");
            for (int i = 0; i < row.Metrics.Count; i++)
            {
                RunDocumentMetricComparison m = row.Metrics[i];
                html.Append(s_invariant, $"<tr{rowClass}>");
                if (i == 0)
                {
                    html.Append(s_invariant, $"<td{span}>{Encode(RowLabel(row))}</td>");
                    html.Append(RowVerdict(row, span));
                }

                string cls = VerdictClass(m.Verdict);
                html.Append(s_invariant, $"<td>{Encode(MetricName(m.Metric))}</td>");
                Num(html, MetricValue(m.Metric, m.Baseline));
                Num(html, MetricValue(m.Metric, m.Current));
                html.Append(s_invariant, $"<td class=\"num {cls}\">{Encode(m.RelativeChange is { } change ? string.Create(s_invariant, $"{change * 100:+0.0;-0.0;0.0}%") : "from 0")}</td>");
                Num(html, m.PValue is not { } p ? "–" : p < 0.0001 ? "< 0.0001" : p.ToString("0.####", s_invariant));
                string words = m.Verdict == "unchanged" && m.RelativeChange is { } moved && Math.Abs(moved) > baseline.Tolerance
                    ? "unchanged (beyond the tolerance, but noise)"
                    : VerdictText(m.Verdict);
                html.Append(s_invariant, $"<td class=\"{cls}\" title=\"{Encode(m.Reason)}\">{Encode(words)}</td></tr>\n");
            }
        }

        html.Append("</tbody></table></div>\n");
        html.Append("<p class=\"note\">Change is (this run − baseline) / baseline. A metric regresses or improves only when it moved beyond the tolerance and a significance test over the two runs' per-second values (Mann–Whitney; a two-proportion z-test for the error rate) says the move is not noise; the p-value is that test's, – when a run had too few seconds to test. A regressed row fails the run.</p>\n");
    }

    /// <summary>A compared row's verdict cell, marked with its class and titled with the reason.</summary>
    private static string RowVerdict(RunDocumentRowComparison row, string attributes) =>
        $"<td class=\"{VerdictClass(row.Verdict)}\"{attributes} title=\"{Encode(row.Reason)}\">{Encode(VerdictText(row.Verdict))}</td>";

    private static void Result(StringBuilder html, string result) =>
        html.Append(IsPass(result) ? "<td class=\"result pass\">pass</td>"
            : IsNoData(result) ? "<td class=\"result nodata\">NO DATA</td>"
            : "<td class=\"result fail\">FAIL</td>");

    private static bool IsPass(string result) => result == "pass";

    private static bool IsNoData(string result) => result == "noData";

    /// <summary>The measured value of a threshold with its unit, as the console prints it, or why there is none.</summary>
    private static string MeasuredText(RunDocumentThreshold threshold) => threshold.Measured is { } value
        ? Value(threshold.Unit, value)
        : threshold.Note is null ? "no data" : $"no data ({threshold.Note})";

    /// <summary>A threshold's value in its unit (<c>ms</c>, <c>ratio</c>, <c>requests/s</c>, <c>count</c>), as the console prints it.</summary>
    private static string Value(string unit, double value) => unit switch
    {
        "ratio" => Percent(value),
        "requests/s" => string.Create(s_invariant, $"{value:#,0.##} req/s"),
        "count" => value.ToString("#,0", s_invariant),
        _ => string.Create(s_invariant, $"{value:#,0.###} ms"),
    };

    private static string MetricName(string metric) => metric switch
    {
        "p50" or "p95" or "p99" => metric + " (ms)",
        "rps" => "Requests/s",
        "errorRate" => "Error rate",
        _ => metric,
    };

    private static string MetricValue(string metric, double value) => metric switch
    {
        "rps" => Rate(value),
        "errorRate" => Percent(value),
        _ => Ms(value),
    };

    private static string VerdictClass(string verdict) => verdict switch
    {
        "regressed" => "regressed",
        "improved" => "improved",
        "notCompared" => "not-compared",
        _ => "unchanged",
    };

    private static string VerdictText(string verdict) => verdict == "notCompared" ? "not compared" : verdict;

    private static string RowLabel(RunDocumentRowComparison row) => row.Method.Length == 0 ? row.Name : $"{row.Method} {row.Name}";

    private static string Percent(double ratio) => string.Create(s_invariant, $"{ratio * 100:0.###}%");
}
