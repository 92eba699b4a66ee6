using System.Text;

namespace Stampede.Reports;

/// <summary>
/// A distributed run's agents (<c>cluster</c>): how the run was shared and merged, each agent's share, state, requests,
/// health and clock, the agents lost and the ones refused.
/// </summary>
internal static partial class HtmlReportWriter
{
    private static string ClusterLink(RunDocument document) =>
        document.Cluster is null ? string.Empty : "<a href=\"#agents\">Agents</a>\n  ";

    private static string Cluster(RunDocument document)
    {
        if (document.Cluster is not { } cluster)
        {
            return string.Empty;
        }

        var html = new StringBuilder();
        html.Append("<section id=\"agents\">\n  <h2>Agents</h2>\n");
        html.Append(s_invariant, $"<p class=\"coverage\" id=\"agents-summary\">{cluster.Agents.Count} agents ran run <code>{Encode(cluster.RunId)}</code>, meeting on <code>{Encode(cluster.Server)}</code>; their {Count(cluster.ReportsMerged)} reports ({(cluster.BytesReceived / 1024.0).ToString("#,0.#", s_invariant)} KiB) were merged exactly, every histogram whole, in {Ms(cluster.MergeMs)} ms. They started within ±{Ms(cluster.StartSkewBoundMs)} ms of one another (clock offsets up to {Ms(cluster.MaxClockOffsetMs)} ms, corrected).</p>\n");
        foreach (RunDocumentAgent lost in cluster.Agents.Where(a => a.State == "lost"))
        {
            string verdict = cluster.AllowAgentLoss ? "accepted (--allow-agent-loss)" : "the run is INVALID";
            html.Append(s_invariant, $"<p class=\"verdict warn agent-lost\"><strong>Agent {Encode(lost.Name)} lost at {Seconds(lost.LostAtSeconds)} s</strong> <span>({Encode(lost.LostReason)}) with its share, {Encode(lost.Share)}, after {Count(lost.Requests)} requests{(cluster.ReplanLost ? "; its share moved to the other agents" : string.Empty)}: {verdict}.</span></p>\n");
        }

        html.Append("<div class=\"scroll\"><table class=\"data\" id=\"agents-table\"><thead><tr><th>Agent</th><th>Host</th><th>Share</th><th>State</th><th class=\"num\">Requests</th><th class=\"num\">Failures</th><th class=\"num\">Peak CPU %</th><th class=\"num\">Avg CPU %</th><th class=\"num\">GC ms</th><th class=\"num\">Bound s</th><th class=\"num\">Clock offset ms</th><th class=\"num\">Reports</th><th class=\"num\">Resent</th></tr></thead><tbody>\n");
        foreach (RunDocumentAgent agent in cluster.Agents)
        {
            string state = agent.State == "lost" ? $"<span class=\"fail\">lost at {Seconds(agent.LostAtSeconds)} s</span>" : Encode(agent.State);
            html.Append(s_invariant, $"<tr><td>{Encode(agent.Name)}</td><td>{Encode(agent.Host)}</td><td>{Encode(agent.Share)}</td><td>{state}</td><td class=\"num\">{Count(agent.Requests)}</td><td class=\"num\">{Count(agent.Failures)}</td><td class=\"num\">{agent.PeakCpuPercent.ToString("0.#", s_invariant)}</td><td class=\"num\">{agent.AverageCpuPercent.ToString("0.#", s_invariant)}</td><td class=\"num\">{Ms(agent.TotalGcPauseMs)}</td><td class=\"num\">{agent.BoundSeconds.ToString(s_invariant)}</td><td class=\"num\">{Ms(agent.ClockOffsetMs)} ±{Ms(agent.ClockUncertaintyMs)}</td><td class=\"num\">{Count(agent.Reports)}</td><td class=\"num\">{Count(agent.Resent)}</td></tr>\n");
        }

        html.Append("</tbody></table></div>\n");
        if (cluster.Refused is { Count: > 0 } refused)
        {
            html.Append("<ul class=\"warnings\" id=\"agents-refused\">\n");
            foreach (string why in refused)
            {
                html.Append(s_invariant, $"<li>Refused: {Encode(why)}</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("</section>\n\n");
        return html.ToString();
    }
}
