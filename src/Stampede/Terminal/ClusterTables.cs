using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Cluster;

namespace Stampede.Terminal;

/// <summary>A distributed run's agents in the console: a line under the live table, a table in the summary.</summary>
internal static class ClusterTables
{
    /// <summary>One line for the live view: each agent's users and state; <see langword="null"/> for a run on one machine.</summary>
    public static string? LiveLine(ClusterStats? cluster)
    {
        if (cluster is null || cluster.Agents.Count == 0)
        {
            return null;
        }

        IEnumerable<string> agents = cluster.Agents.Select(a => a.State switch
        {
            AgentState.Lost => string.Create(CultureInfo.InvariantCulture, $"{a.Name} LOST at {TimeSpan.FromSeconds(a.LostAtSeconds ?? 0):hh\\:mm\\:ss}"),
            AgentState.Finished => $"{a.Name} finished",
            _ => string.Create(CultureInfo.InvariantCulture, $"{a.Name} {a.Users} users"),
        });
        long merged = cluster.Agents.Where(a => a.State != AgentState.Lost).Select(a => a.LastSecond).DefaultIfEmpty(-1).Min();
        return string.Create(CultureInfo.InvariantCulture, $"Agents {cluster.Agents.Count(a => a.State != AgentState.Lost)}/{cluster.Agents.Count}: {string.Join(" · ", agents)} · merged to second {merged + 1}");
    }

    /// <summary>The summary's agents table and the transport's figures; nothing for a run on one machine.</summary>
    public static IEnumerable<IRenderable> Summary(ClusterStats? cluster)
    {
        if (cluster is null)
        {
            yield break;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"Agents (run '{Markup.Escape(cluster.RunId)}' on {Markup.Escape(cluster.Server)})");
        table.AddColumn("Agent");
        table.AddColumn("Host");
        table.AddColumn("Share");
        table.AddColumn("State");
        foreach (string heading in new[] { "# reqs", "# fails", "Peak CPU %", "GC ms", "Bound s", "Clock ms", "Resent" })
        {
            table.AddColumn(new TableColumn(heading).RightAligned());
        }

        foreach (AgentStats agent in cluster.Agents)
        {
            string state = agent.State == AgentState.Lost
                ? string.Create(CultureInfo.InvariantCulture, $"[red]lost at {agent.LostAtSeconds:0.#} s[/] ({Markup.Escape(agent.LostReason ?? string.Empty)})")
                : Markup.Escape(agent.State.ToString().ToLowerInvariant());
            table.AddRow(
                Markup.Escape(agent.Name),
                Markup.Escape(agent.Host),
                Markup.Escape(agent.Share),
                state,
                agent.Requests.ToString(CultureInfo.InvariantCulture),
                agent.Failures.ToString(CultureInfo.InvariantCulture),
                agent.PeakCpuPercent.ToString("0.#", CultureInfo.InvariantCulture),
                agent.TotalGcPauseMs.ToString("0", CultureInfo.InvariantCulture),
                agent.BoundSeconds == 0 ? "0" : $"[yellow]{agent.BoundSeconds.ToString(CultureInfo.InvariantCulture)}[/]",
                string.Create(CultureInfo.InvariantCulture, $"{agent.ClockOffsetMs:0.###} ±{agent.ClockUncertaintyMs:0.###}"),
                agent.Resent.ToString(CultureInfo.InvariantCulture));
        }

        yield return table;
        yield return new Markup(Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"Merged exactly: {cluster.ReportsMerged} reports, {cluster.BytesReceived / 1024.0:0.#} KiB over NATS, {cluster.MergeMs:0.#} ms of merging; the agents started within ±{cluster.StartSkewBoundMs:0.###} ms of one another.")) + Environment.NewLine);
        foreach (string refused in cluster.Refused)
        {
            yield return new Markup($"[yellow]Refused: {Markup.Escape(refused)}[/]{Environment.NewLine}");
        }
    }
}
