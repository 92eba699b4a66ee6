using System.Text;

namespace Stampede.Reports;

/// <summary>The capacity search in the Analysis section: the answer, the throughput–latency curve and the steps.</summary>
internal static partial class HtmlReportWriter
{
    private const double CurveWidth = 560;
    private const double CurveHeight = 260;
    private const double CurvePad = 44;

    private static void Capacity(StringBuilder html, RunDocumentCapacity? capacity)
    {
        if (capacity is null)
        {
            return;
        }

        string cls = !capacity.Valid ? "warn" : capacity.MaxRate is null ? "fail" : "ok";
        html.Append("<div id=\"capacity\">\n<h3>Capacity under the SLO</h3>\n");
        html.Append(s_invariant, $"<p class=\"verdict {cls}\" id=\"capacity-verdict\"><strong>{(capacity.MaxRate is { } max ? $"{(capacity.AtLeast ? "≥ " : string.Empty)}{max:0.##} iterations/s" : "no passing rate")}</strong> <span>{Encode(capacity.Summary)}</span></p>\n");
        CapacityCurve(html, capacity.Steps);
        html.Append("<table class=\"stats\" id=\"capacity-steps\">\n<thead><tr><th>#</th><th>Phase</th><th>Rate /s</th><th>Achieved /s</th><th>OK req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>Errors</th><th>Result</th></tr></thead>\n<tbody>\n");
        foreach (RunDocumentCapacityStep s in capacity.Steps)
        {
            html.Append(s_invariant, $"<tr class=\"{(s.Pass ? "pass" : "fail")}\"><td class=\"num\">{s.Number}</td><td>{s.Phase}</td><td class=\"num\">{s.Rate:0.##}</td><td class=\"num\">{s.AchievedRate:0.##}</td><td class=\"num\">{s.Throughput:0.##}</td><td class=\"num\">{MsOrDash(s.P50Ms)}</td><td class=\"num\">{MsOrDash(s.P95Ms)}</td><td class=\"num\">{MsOrDash(s.P99Ms)}</td><td class=\"num\">{s.ErrorRate:0.##%}</td><td>{(s.Pass ? "pass" : "FAIL: " + Encode(s.Reason))}</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n");
    }

    private static void BreakingPoint(StringBuilder html, RunDocumentBreakingPoint? stress)
    {
        if (stress is null)
        {
            return;
        }

        string cls = stress.BrokeAtRate is null ? "ok" : stress.Recovered == true ? "warn" : "fail";
        string head = stress.BrokeAtRate is { } broke ? string.Create(s_invariant, $"Broke at {broke:0.##}/s ({stress.FailureMode})") : "No break";
        html.Append("<div id=\"breaking-point\">\n<h3>Stress to the breaking point</h3>\n");
        html.Append(s_invariant, $"<p class=\"verdict {cls}\" id=\"breaking-point-verdict\"><strong>{Encode(head)}</strong> <span>{Encode(stress.Summary)}</span></p>\n");
        CapacityCurve(html, stress.Steps);
        html.Append("<table class=\"stats\" id=\"breaking-point-steps\">\n<thead><tr><th>#</th><th>Phase</th><th>Rate /s</th><th>Achieved /s</th><th>OK req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>Errors</th><th>Result</th></tr></thead>\n<tbody>\n");
        foreach (RunDocumentCapacityStep s in stress.Steps)
        {
            html.Append(s_invariant, $"<tr class=\"{(s.Pass ? "pass" : "fail")}\"><td class=\"num\">{s.Number}</td><td>{s.Phase}</td><td class=\"num\">{s.Rate:0.##}</td><td class=\"num\">{s.AchievedRate:0.##}</td><td class=\"num\">{s.Throughput:0.##}</td><td class=\"num\">{MsOrDash(s.P50Ms)}</td><td class=\"num\">{MsOrDash(s.P95Ms)}</td><td class=\"num\">{MsOrDash(s.P99Ms)}</td><td class=\"num\">{s.ErrorRate:0.##%}</td><td>{Encode(s.Pass ? s.Reason : "BROKE: " + s.Reason)}</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n");
    }

    /// <summary>Successful requests/s against p95 for each step, as a static SVG: passing steps green, failing red.</summary>
    private static void CapacityCurve(StringBuilder html, IReadOnlyList<RunDocumentCapacityStep> steps)
    {
        RunDocumentCapacityStep[] points = [.. steps.Where(s => s.P95Ms is not null).OrderBy(s => s.Throughput)];
        if (points.Length == 0)
        {
            return;
        }

        double maxX = Math.Max(1, points.Max(p => p.Throughput)) * 1.1;
        double maxY = Math.Max(1, points.Max(p => p.P95Ms!.Value)) * 1.1;
        double X(double v) => CurvePad + (v / maxX * (CurveWidth - (2 * CurvePad)));
        double Y(double v) => CurveHeight - CurvePad - (v / maxY * (CurveHeight - (2 * CurvePad)));
        html.Append(s_invariant, $"<figure class=\"capacity-curve\"><svg id=\"capacity-curve\" viewBox=\"0 0 {CurveWidth} {CurveHeight}\" width=\"{CurveWidth}\" height=\"{CurveHeight}\" role=\"img\" aria-label=\"p95 against successful requests per second, one point per step\">\n");
        html.Append(s_invariant, $"<line x1=\"{CurvePad}\" y1=\"{CurveHeight - CurvePad}\" x2=\"{CurveWidth - CurvePad}\" y2=\"{CurveHeight - CurvePad}\" stroke=\"#888\"/><line x1=\"{CurvePad}\" y1=\"{CurvePad}\" x2=\"{CurvePad}\" y2=\"{CurveHeight - CurvePad}\" stroke=\"#888\"/>\n");
        html.Append(s_invariant, $"<polyline fill=\"none\" stroke=\"#4a6fa5\" stroke-width=\"1.5\" points=\"{string.Join(' ', points.Select(p => string.Create(s_invariant, $"{X(p.Throughput):0.#},{Y(p.P95Ms!.Value):0.#}")))}\"/>\n");
        foreach (RunDocumentCapacityStep p in points)
        {
            html.Append(s_invariant, $"<circle cx=\"{X(p.Throughput):0.#}\" cy=\"{Y(p.P95Ms!.Value):0.#}\" r=\"4\" fill=\"{(p.Pass ? "#2e8540" : "#c0392b")}\"><title>step {p.Number}: {p.Rate:0.##}/s offered, {p.Throughput:0.##} OK req/s, p95 {p.P95Ms:0.#} ms, {(p.Pass ? "pass" : "fail")}</title></circle>\n");
        }

        html.Append(s_invariant, $"<text x=\"{CurveWidth / 2}\" y=\"{CurveHeight - 8}\" text-anchor=\"middle\" font-size=\"12\">successful requests/s ({maxX / 1.1:0.#} max)</text>\n");
        html.Append(s_invariant, $"<text x=\"12\" y=\"{CurveHeight / 2}\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 12 {CurveHeight / 2})\">p95 ms ({maxY / 1.1:0.#} max)</text>\n");
        html.Append("</svg><figcaption>The throughput–latency curve: each step's successful requests/s and p95; green met the SLO, red did not.</figcaption></figure>\n");
    }

    private static string MsOrDash(double? ms) => ms is { } v ? v.ToString("0.#", s_invariant) : "–";
}
