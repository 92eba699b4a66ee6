using System.Text;

namespace Stampede.Reports;

/// <summary>
/// The Analysis section's autoscaling part (<c>analysis.autoscaling</c>): the PASS/FAIL verdict with its reason, the
/// measured times as cards, and one chart of the replicas, the offered load and the p95 on the section's time axis with
/// the spike, scale-out, recovery (and load drop, scale-in) marked. A run without <c>--expect-scale</c> renders none of it.
/// </summary>
internal static partial class HtmlReportWriter
{
    private static void Autoscaling(StringBuilder html, RunDocumentAutoscaling? a)
    {
        if (a is null)
        {
            return;
        }

        string cls = a.Verdict == "PASS" ? "ok" : "fail";
        html.Append(s_invariant, $"<h3>Autoscaling</h3>\n<p id=\"autoscaling\" class=\"verdict {cls}\" data-verdict=\"{Encode(a.Verdict)}\"><strong>Autoscaling: {Encode(a.Verdict)}</strong> <span>{Encode(Capitalized(a.Reason))}.</span></p>\n");
        html.Append(s_invariant, $"<p class=\"coverage\" id=\"autoscaling-series\"><strong>Replicas:</strong> <code>{Encode(a.MatchedSeries ?? a.Series)}</code>{(a.Source is { } source ? $" from {Encode(source)}" : " (no source exposed it)")}; <strong>recovered</strong> when {Encode(string.Join(", ", a.Thresholds))} held on every second for {a.StableForSeconds} s; <strong>passes</strong> within {a.MaxRecoverySeconds} s of the spike.</p>\n");
        html.Append("<dl class=\"cards small\" id=\"autoscaling-cards\">\n");
        if (a.SpikeAtSecond is { } spike)
        {
            Card(html, "Spike", Elapsed(spike), string.Create(s_invariant, $"{Amount(a.OfferedBefore ?? 0)} → {Amount(a.OfferedAtSpike ?? 0)} {a.OfferedUnit}"));
        }
        else
        {
            Card(html, "Spike", "none", "in the load profile");
        }

        Card(html, "Scale-out", a.ScaleOutSeconds is { } up ? Seconds(up) : "never", "after the spike");
        Card(html, "Recovery", a.RecoverySeconds is { } recovered ? Seconds(recovered) : "never", string.Create(s_invariant, $"limit {a.MaxRecoverySeconds} s"));
        if (a.PeakP95Ms is { } p95)
        {
            Card(html, "Peak p95", Short(p95), "ms");
        }

        Card(html, "Failed in the spike", Count(a.ErrorsDuringSpike), "to the recovery");
        if (a.ReplicasBefore is not null)
        {
            Card(html, "Replicas", $"{Amount(a.ReplicasBefore ?? 0)} → {Amount(a.ReplicasMax ?? 0)} → {Amount(a.ReplicasAfter ?? 0)}", "before, max, end");
        }

        if (a.LoadDropAtSecond is not null)
        {
            Card(html, "Scale-in", a.ScaleInSeconds is { } down ? Seconds(down) : "not seen", "after the drop");
        }

        html.Append("</dl>\n");
        html.Append("<figure id=\"autoscaling-figure\"><figcaption>Replicas (right axis), offered load and the p95 of each second, with the spike, scale-out and recovery marked</figcaption><div class=\"chart\" id=\"chart-autoscaling\"></div></figure>\n");
    }

    /// <summary>The definitions of the autoscaling words, or nothing without a verdict.</summary>
    private static string AutoscalingDefinitions(RunDocument document) => document.Analysis?.Autoscaling is null ? string.Empty :
        """
            <dt>Spike, scale-out, recovery</dt>
            <dd>The spike starts in the first second where the offered load (users, or the target arrival rate) rose by 50% or more within 2 s from a level it held for 2 s or more. Scale-out: from the spike to the first second the replica series read more than just before it. Recovery: from the spike to the start of the first window of <code>--stable-for</code> seconds, before the load fell back, in which every <code>--slo</code> threshold held on each second's own requests. PASS when the recovery came within <code>--max-recovery</code>; scale-in: from the load's fall to the series' first fall.</dd>

        """;

    private static string Seconds(int seconds) => string.Create(s_invariant, $"{seconds} s");

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
