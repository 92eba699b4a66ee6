using System.Globalization;
using System.Net;
using System.Text;
using Stampede.Analysis;

namespace Stampede.Gates;

/// <summary>
/// The HTML page of <c>stampede compare</c>: one self-contained static table of every row, baseline
/// against current, with each metric's change and the verdict. No scripts, no external requests.
/// </summary>
internal static class ComparisonHtml
{
    private const string Style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d2330;background:#fff}
        h1{font-size:1.4rem;margin:0 0 .5rem}p{margin:.3rem 0}
        table{border-collapse:collapse;margin:1rem 0;width:100%}
        th,td{border:1px solid #d5d9e0;padding:.35rem .6rem;text-align:right;vertical-align:top}
        th{background:#f2f4f7}td.l,th.l{text-align:left}
        .regressed{color:#b42318;font-weight:600}.improved{color:#067647;font-weight:600}.notCompared{color:#667085}
        .verdict{font-size:1.1rem;font-weight:600}small{color:#667085}
        """;

    /// <summary>The page comparing <paramref name="current"/> with <paramref name="baseline"/>.</summary>
    public static string Render(string baselineName, Baseline baseline, string currentName, Baseline current, IReadOnlyList<RowComparison> comparisons, BaselineComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(comparisons);
        ArgumentNullException.ThrowIfNull(options);
        var html = new StringBuilder();
        int regressed = comparisons.Count(c => c.Verdict == ComparisonVerdict.Regressed);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Stampede comparison: ")
            .Append(E(baselineName)).Append(" → ").Append(E(currentName)).Append("</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>Stampede comparison</h1>\n")
            .Append(Run("Baseline", baselineName, baseline))
            .Append(Run("Current", currentName, current))
            .Append(CultureInfo.InvariantCulture, $"<p>Tolerance ±{options.Tolerance * 100:0.##}%; a change counts only beyond it and when a significance test (Mann–Whitney over per-second values, two-proportion z-test for the error rate) gives p &lt; {options.SignificanceLevel:0.####}.</p>\n")
            .Append("<p class=\"verdict ").Append(regressed > 0 ? "regressed" : string.Empty).Append("\">")
            .Append(regressed > 0 ? E($"{regressed} row(s) regressed: {string.Join(", ", comparisons.Where(c => c.Verdict == ComparisonVerdict.Regressed).Select(c => c.Label))}") : "No row regressed.")
            .Append("</p>\n<table>\n<thead><tr><th class=\"l\">Row</th><th class=\"l\">Verdict</th>");
        foreach (string heading in new[] { "p50 ms", "p95 ms", "p99 ms", "req/s", "error rate" })
        {
            html.Append("<th>").Append(heading).Append("</th>");
        }

        html.Append("<th class=\"l\">Why</th></tr></thead>\n<tbody>\n");
        foreach (RowComparison row in comparisons)
        {
            string verdict = Verdict(row.Verdict);
            html.Append("<tr><td class=\"l\">").Append(E(row.Label)).Append("</td><td class=\"l ").Append(verdict).Append("\">").Append(E(Words(row.Verdict))).Append("</td>");
            foreach (BaselineMetric metric in Enum.GetValues<BaselineMetric>())
            {
                MetricComparison? m = row.Metrics.FirstOrDefault(x => x.Metric == metric);
                html.Append(m is null
                    ? "<td>–</td>"
                    : $"<td class=\"{Verdict(m.Verdict)}\">{E(Value(metric, m.Baseline))} → {E(Value(metric, m.Current))}<br><small>{E(BaselineComparer.FormatChange(m.RelativeChange))}</small></td>");
            }

            html.Append("<td class=\"l\"><small>").Append(E(row.Reason)).Append("</small></td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n<p><small>Written by Stampede ").Append(E(StampedeApp.Version)).Append(".</small></p>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Run(string role, string name, Baseline run) => string.Create(
        CultureInfo.InvariantCulture,
        $"<p><strong>{role}:</strong> {E(name)} — started {run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, {run.DurationSeconds:0.#} s, {run.Aggregated.Requests} requests at {run.Aggregated.RequestsPerSecond:0.##} req/s, p95 {run.Aggregated.P95Ms:0.#} ms</p>\n");

    private static string Value(BaselineMetric metric, double value) => metric switch
    {
        BaselineMetric.RequestsPerSecond => value.ToString("0.##", CultureInfo.InvariantCulture),
        BaselineMetric.ErrorRate => string.Create(CultureInfo.InvariantCulture, $"{value * 100:0.##}%"),
        _ => value.ToString("0.#", CultureInfo.InvariantCulture),
    };

    private static string Verdict(ComparisonVerdict verdict) => verdict switch
    {
        ComparisonVerdict.Regressed => "regressed",
        ComparisonVerdict.Improved => "improved",
        ComparisonVerdict.NotCompared => "notCompared",
        _ => "unchanged",
    };

    private static string Words(ComparisonVerdict verdict) => verdict == ComparisonVerdict.NotCompared ? "not compared" : Verdict(verdict);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
