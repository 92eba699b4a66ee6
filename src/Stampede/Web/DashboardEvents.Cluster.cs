using System.Text.Json;
using Stampede.Cluster;

namespace Stampede.Web;

/// <summary>The agents part of a dashboard event: a distributed run's agents as the coordinator sees them.</summary>
internal static partial class DashboardEvents
{
    /// <summary>
    /// Writes <c>cluster</c> (absent for a run on one machine): the run id, the NATS server, and each agent's name, share,
    /// state, users, requests, failures, CPU, bound seconds, clock offset, last second sent and, when lost, when and why.
    /// </summary>
    private static void WriteCluster(Utf8JsonWriter json, DashboardView view)
    {
        if (view.Stats?.Cluster is not { } cluster)
        {
            return;
        }

        json.WriteStartObject("cluster");
        json.WriteString("runId", cluster.RunId);
        json.WriteString("server", cluster.Server);
        json.WriteNumber("expectedAgents", cluster.ExpectedAgents);
        json.WriteNumber("reportsMerged", cluster.ReportsMerged);
        json.WriteNumber("bytesReceived", cluster.BytesReceived);
        json.WriteStartArray("agents");
        foreach (AgentStats agent in cluster.Agents)
        {
            json.WriteStartObject();
            json.WriteString("name", agent.Name);
            json.WriteString("host", agent.Host);
            json.WriteString("share", agent.Share);
            json.WriteString("state", JsonNamingPolicy.CamelCase.ConvertName(agent.State.ToString()));
            json.WriteNumber("users", agent.Users);
            json.WriteNumber("requests", agent.Requests);
            json.WriteNumber("failures", agent.Failures);
            json.WriteNumber("peakCpuPercent", agent.PeakCpuPercent);
            json.WriteNumber("boundSeconds", agent.BoundSeconds);
            json.WriteNumber("clockOffsetMs", agent.ClockOffsetMs);
            json.WriteNumber("lastSecond", agent.LastSecond);
            if (agent.LostAtSeconds is { } at)
            {
                json.WriteNumber("lostAtSeconds", at);
                json.WriteString("lostReason", agent.LostReason);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
