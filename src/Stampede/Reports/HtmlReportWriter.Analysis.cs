using System.Text;

namespace Stampede.Reports;

/// <summary>
/// The report's Analysis section, at the top of the page: the bottleneck verdict (<c>analysis.bottleneck</c>) with
/// the knee, the evidence of every watched resource, what was and was not watched, the advice, and the charts on
/// one time axis (throughput, latency, one per watched resource) with the knee marked. A run that watched nothing
/// and has no verdict renders none of it.
/// </summary>
internal static partial class HtmlReportWriter
{
    /// <summary>Whether <paramref name="document"/> has an Analysis section: a bottleneck verdict, or watched resources to chart.</summary>
    public static bool HasAnalysis(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return HasDrift(document) || document.Analysis?.Bottleneck is not null || document.Analysis?.Capacity is not null || document.Analysis?.BreakingPoint is not null || document.Analysis?.Autoscaling is not null || document.Analysis?.ColdStart is not null || HtmlReportResourceChart.Of(document).Count > 0;
    }

    /// <summary>The verdict's headline: <c>Bottleneck: cpu</c>, or <c>No saturation reached</c> for <c>none</c>.</summary>
    public static string BottleneckHeadline(RunDocumentBottleneck bottleneck)
    {
        ArgumentNullException.ThrowIfNull(bottleneck);
        return bottleneck.Resource == "none" ? "No saturation reached" : $"Bottleneck: {bottleneck.Resource}";
    }

    /// <summary>The table of contents' link to the analysis, or nothing without one.</summary>
    private static string AnalysisLink(RunDocument document) =>
        HasAnalysis(document) ? "<a href=\"#analysis\">Analysis</a>\n  " : string.Empty;

    private static string Analysis(RunDocument document)
    {
        if (!HasAnalysis(document))
        {
            return string.Empty;
        }

        var html = new StringBuilder();
        html.Append("<section id=\"analysis\">\n  <h2>Analysis</h2>\n");
        Autoscaling(html, document.Analysis?.Autoscaling);
        ColdStart(html, document.Analysis?.ColdStart);
        if (document.Analysis?.Bottleneck is { } bottleneck)
        {
            Verdict(html, bottleneck);
            Knee(html, bottleneck, HtmlReportPayload.KneeX(document));
            Evidence(html, bottleneck.Evidence);
            Coverage(html, bottleneck);
        }
        else
        {
            html.Append("<p class=\"note\" id=\"bottleneck-missing\">This document has no bottleneck verdict; the watched resources are charted below.</p>\n");
        }

        Capacity(html, document.Analysis?.Capacity);
        BreakingPoint(html, document.Analysis?.BreakingPoint);
        Drift(html, document);
        AnalysisCharts(html, document);
        html.Append("</section>\n\n");
        return html.ToString();
    }

    private static void Verdict(StringBuilder html, RunDocumentBottleneck bottleneck)
    {
        // Naming a resource is what a capacity test is for, so it is a finding (amber), not a failure; a bound
        // generator or failing server make the run's numbers the suspect ones (red).
        string cls = bottleneck.Resource switch
        {
            "none" => "ok",
            "generator" or "errors" => "fail",
            _ => "warn",
        };
        html.Append(s_invariant, $"<p id=\"bottleneck\" class=\"verdict {cls}\" data-resource=\"{Encode(bottleneck.Resource)}\"><strong>{Encode(BottleneckHeadline(bottleneck))}</strong> <span>{Encode(bottleneck.Summary)}</span></p>\n");
    }

    private static void Knee(StringBuilder html, RunDocumentBottleneck b, double? knee)
    {
        if (b.AtSecond is null && b.ThroughputAtKnee is null && b.OfferedAtKnee is null && b.P50AtKneeMs is null)
        {
            return;
        }

        html.Append("<dl class=\"cards small\" id=\"knee\">\n");
        if (b.AtSecond is { } at)
        {
            // The knee's interval, start to end (the charts draw each interval at its end).
            Card(html, "Knee", $"{Elapsed(at)}–{Elapsed(knee ?? at + 1)}", KneeKindText(b.KneeKind));
        }

        if (b.OfferedAtKnee is { } offered)
        {
            Card(html, "Offered at the knee", offered.ToString("#,0.##", s_invariant), b.OfferedUnit);
        }

        if (b.ThroughputAtKnee is { } throughput)
        {
            Card(html, "Throughput from the knee", Rate(throughput), "successful req/s");
        }

        if (b.P50AtKneeMs is { } p50)
        {
            Card(html, "p50 at the knee", Short(p50), "ms");
        }

        html.Append("</dl>\n");
    }

    private static string? KneeKindText(string? kind) => kind switch
    {
        null => null,
        "throughput-plateau" => "throughput plateau",
        "throughput-short" => "completions short of arrivals",
        "latency-bend" => "latency bend",
        "slo-failed" => "an SLO first failed",
        "steady-saturation" => "saturated throughout",
        _ => kind,
    };

    private static void Evidence(StringBuilder html, IReadOnlyList<RunDocumentEvidence> evidence)
    {
        html.Append("<h3>Evidence at the knee</h3>\n");
        if (evidence.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"evidence-empty\">No watched resource to judge.</p>\n");
            return;
        }

        html.Append("<div class=\"scroll\"><table class=\"data\" id=\"evidence-table\"><thead><tr><th>Resource</th><th>Series</th><th>Source</th><th class=\"num\">Value</th><th class=\"num\">Capacity</th><th>Unit</th><th class=\"num\">Utilisation</th><th>State</th><th>Evidence</th></tr></thead><tbody>\n");
        foreach (RunDocumentEvidence e in evidence)
        {
            html.Append(s_invariant, $"<tr data-state=\"{Encode(e.State)}\"><td>{Encode(e.Resource)}</td><td><code>{Encode(e.Series)}</code></td><td>{Encode(e.Source)}</td>");
            Num(html, e.Value is { } value ? Amount(value) : "–");
            Num(html, e.Capacity is { } capacity ? Amount(capacity) : "–");
            html.Append(s_invariant, $"<td>{Encode(e.Unit)}</td>");
            Num(html, e.Utilization is { } u ? string.Create(s_invariant, $"{u * 100:0.#}%") : "–");
            string badge = e.State is "saturated" or "high" or "idle" ? e.State : "other";
            html.Append(s_invariant, $"<td><span class=\"badge {badge}\">{Encode(e.State)}</span></td><td class=\"wrap\">{Encode(e.Detail)}</td></tr>\n");
        }

        html.Append("</tbody></table></div>\n");
    }

    private static void Coverage(StringBuilder html, RunDocumentBottleneck b)
    {
        html.Append(s_invariant, $"<p class=\"coverage\" id=\"watched\"><strong>Watched:</strong> {Encode(List(b.Watched))}.</p>\n");
        html.Append(s_invariant, $"<p class=\"coverage\" id=\"not-watched\"><strong>Not watched:</strong> {Encode(List(b.NotWatched))}{(b.NotWatched.Count == 0 ? "." : " (no source measured them, so they could not be judged).")}</p>\n");
        if (b.Advice.Count == 0)
        {
            return;
        }

        html.Append("<h3>Advice</h3>\n<ul class=\"advice\" id=\"advice\">\n");
        foreach (string advice in b.Advice)
        {
            html.Append(s_invariant, $"<li>{Encode(advice)}</li>\n");
        }

        html.Append("</ul>\n");
    }

    private static void AnalysisCharts(StringBuilder html, RunDocument document)
    {
        bool knee = HtmlReportPayload.KneeX(document) is not null;
        html.Append("<h3>Over the run</h3>\n");
        html.Append(knee
            ? "<p class=\"hint\">Every chart here shares one time axis and one cursor; the dashed line marks the knee. Drag across a chart to zoom them all, double-click to zoom out.</p>\n"
            : "<p class=\"hint\">Every chart here shares one time axis and one cursor. Drag across a chart to zoom them all, double-click to zoom out.</p>\n");
        html.Append("<div class=\"grid-2 analysis-charts\">\n");
        html.Append("<figure><figcaption>Throughput: successful requests/s and requests/s; users (right axis)</figcaption><div class=\"chart short\" id=\"chart-analysis-throughput\"></div></figure>\n");
        html.Append("<figure><figcaption>Response time of all requests, p50 and p95 of each second (ms)</figcaption><div class=\"chart short\" id=\"chart-analysis-latency\"></div></figure>\n");
        IReadOnlyList<HtmlReportResourceChart> charts = HtmlReportResourceChart.Of(document);
        for (int i = 0; i < charts.Count; i++)
        {
            HtmlReportResourceChart chart = charts[i];
            html.Append(s_invariant, $"<figure data-resource=\"{Encode(chart.Resource)}\"><figcaption><strong>{Encode(chart.Resource)}</strong> · {Encode(chart.AxisText)}</figcaption><div class=\"chart short resource\" id=\"chart-resource-{i}\"></div></figure>\n");
        }

        html.Append("</div>\n");
        if (charts.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"resources-empty\">No resource of the system under test was watched: give <code>--metrics-url</code> or <code>--watch-pid</code> to chart them here.</p>\n");
        }
    }

    /// <summary>The definitions of the analysis' words, or nothing without an Analysis section.</summary>
    private static string AnalysisDefinitions(RunDocument document) => !HasAnalysis(document) ? string.Empty :
        """
            <dt>Knee, bottleneck</dt>
            <dd>The knee is the second where offered load kept rising but completed throughput stopped following it (or latency bent, or an SLO first failed). The bottleneck is the watched resource that was saturated there; <em>generator</em> when the load generator was bound first, <em>errors</em> when the server failed before any resource saturated, <em>unknown</em> when nothing watched explains the knee, <em>none</em> when the run reached no saturation.</dd>
            <dt>Utilisation, state</dt>
            <dd>A watched series' median over the knee's window divided by its capacity (the host's cores, a queue's or a worker pool's size, 100%). <em>saturated</em>: at its capacity; <em>high</em>: busy, but with room left; <em>idle</em>: far from it. A resource chart shows % of capacity where one is known, the raw value in its unit otherwise.</dd>
            <dt>Target series</dt>
            <dd>Read from the system under test once per interval (<code>--metrics-url</code>, <code>--watch-pid</code>): a gauge as read, a counter as its rate per second, a histogram as one of its quantiles; one value per second of the run, a gap where no scrape fell.</dd>

        """ + AutoscalingDefinitions(document) + ColdStartDefinitions(document);

    private static string List(IReadOnlyList<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);

    /// <summary>A measured amount of any unit: every digit below 1,000, whole numbers above (bytes, say).</summary>
    private static string Amount(double value) => value.ToString(Math.Abs(value) >= 1000 ? "#,0" : "#,0.###", s_invariant);
}
