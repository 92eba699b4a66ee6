using System.Text;

namespace Stampede.Reports;

/// <summary>
/// The report's Target sources section: what was watched on the system under test (<c>target</c>), how each
/// source's scrapes went, the series recognised and the warnings. A run that watched nothing renders none of it.
/// </summary>
internal static partial class HtmlReportWriter
{
    /// <summary>The table of contents' link to the target sources, or nothing without any.</summary>
    private static string TargetLink(RunDocument document) =>
        document.Target is null ? string.Empty : "<a href=\"#target\">Target sources</a>\n  ";

    private static string Target(RunDocument document)
    {
        if (document.Target is not { } target)
        {
            return string.Empty;
        }

        var html = new StringBuilder();
        html.Append("<section id=\"target\">\n  <h2>Target sources</h2>\n");
        html.Append(s_invariant, $"<p class=\"hint\">The system under test as watched (<code>--metrics-url</code>, <code>--watch-pid</code>), each source read every {target.IntervalSeconds:0.###} s.</p>\n");
        html.Append("<div class=\"scroll\"><table class=\"data\" id=\"target-sources-table\"><thead><tr><th>Name</th><th>URL</th><th>Kind</th><th class=\"num\">Scrapes</th><th class=\"num\">Failures</th><th class=\"num\">Timeouts</th><th>Last error</th><th class=\"num\">Mean scrape (ms)</th></tr></thead><tbody>\n");
        foreach (RunDocumentTargetSource s in target.Sources)
        {
            html.Append(s_invariant, $"<tr><td>{Encode(s.Name)}</td><td><code>{Encode(s.Url)}</code></td><td>{Encode(s.Kind)}</td>");
            Num(html, Count(s.Scrapes));
            html.Append(s.Failures > 0 ? $"<td class=\"num failed\">{Encode(Count(s.Failures))}</td>" : $"<td class=\"num\">{Encode(Count(s.Failures))}</td>");
            Num(html, Count(s.Timeouts));
            html.Append(s_invariant, $"<td class=\"wrap\">{Encode(s.LastError ?? "–")}</td>");
            Num(html, Ms(s.MeanScrapeMs));
            html.Append("</tr>\n");
        }

        html.Append("</tbody></table></div>\n");
        TargetSeries(html, target.Series);
        TargetWarnings(html, target.Warnings);
        html.Append("</section>\n\n");
        return html.ToString();
    }

    private static void TargetSeries(StringBuilder html, IReadOnlyList<RunDocumentTargetSeries> series)
    {
        html.Append("<h3>Series</h3>\n");
        if (series.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"target-series-empty\">No series was recognised in what the sources exposed.</p>\n");
            return;
        }

        html.Append("<div class=\"scroll\"><table class=\"data\" id=\"target-series-table\"><thead><tr><th>Series</th><th>Source</th><th>Resource</th><th>Read as</th><th>Unit</th><th class=\"num\">Capacity</th><th>Capacity from</th><th>What it is</th></tr></thead><tbody>\n");
        foreach (RunDocumentTargetSeries s in series)
        {
            double? capacity = s.Capacities?.LastOrDefault(c => c is not null) ?? s.Capacity;
            html.Append(s_invariant, $"<tr><td><code>{Encode(HtmlReportResourceLine.DisplayName(s))}</code></td><td>{Encode(s.Source)}</td><td>{Encode(s.Resource ?? "evidence only")}</td><td>{Encode(s.Kind)}</td><td>{Encode(s.Unit)}</td>");
            Num(html, capacity is { } c ? Amount(c) + (s.Capacities is null ? string.Empty : " (varied)") : "–");
            html.Append(s_invariant, $"<td>{Encode(s.CapacitySource ?? "–")}</td><td class=\"wrap\">{Encode(s.Description)}</td></tr>\n");
        }

        html.Append("</tbody></table></div>\n");
    }

    private static void TargetWarnings(StringBuilder html, IReadOnlyList<RunDocumentTargetWarning> warnings)
    {
        html.Append("<h3>Warnings</h3>\n");
        if (warnings.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"target-warnings-empty\">No warnings about the sources or their series.</p>\n");
            return;
        }

        html.Append("<ul class=\"warnings\" id=\"target-warnings\">\n");
        foreach (RunDocumentTargetWarning w in warnings)
        {
            html.Append(s_invariant, $"<li><span class=\"at\">{Elapsed(w.AtSeconds)}</span> <span class=\"source\">{Encode(w.Source)}</span> {Encode(w.Message)}</li>\n");
        }

        html.Append("</ul>\n");
    }
}
