using System.Text.Json;
using Stampede.Cluster;
using Stampede.Metrics;
using Stampede.Web;

namespace Stampede.Tests.Web;

/// <summary>A distributed run's agents in the dashboard's events: what its Agents panel shows.</summary>
public sealed class DashboardEventsClusterTests
{
    [Fact]
    public void Write_DistributedRun_CarriesEachAgentWithItsShareAndState()
    {
        StatsSnapshot stats = DashboardEventsTests.TenPerSecondFor10Seconds() with
        {
            Cluster = new ClusterStats
            {
                RunId = "nightly",
                Server = "nats://10.0.0.5:4222",
                ExpectedAgents = 2,
                ReportsMerged = 20,
                BytesReceived = 40_960,
                Agents =
                [
                    new AgentStats { Name = "gen-1", Host = "node-1", Index = 0, State = AgentState.Running, Share = "5 of 9 users", Users = 5, Requests = 60, LastSecond = 9, ClockOffsetMs = 0.25 },
                    new AgentStats { Name = "gen-2", Host = "node-2", Index = 1, State = AgentState.Lost, Share = "4 of 9 users", Requests = 40, LastSecond = 5, LostAtSeconds = 6.5, LostReason = "no report for 3 s" },
                ],
            },
        };

        using var document = JsonDocument.Parse(DashboardEvents.Write(new DashboardView { Version = 1, RunId = 1, State = DashboardRunState.Running, Stats = stats }, 0, out _));
        JsonElement cluster = document.RootElement.GetProperty("cluster");

        cluster.GetProperty("runId").GetString().ShouldBe("nightly");
        cluster.GetProperty("reportsMerged").GetInt64().ShouldBe(20);
        JsonElement[] agents = [.. cluster.GetProperty("agents").EnumerateArray()];
        agents.Select(a => a.GetProperty("name").GetString()).ShouldBe(["gen-1", "gen-2"]);
        agents[0].GetProperty("share").GetString().ShouldBe("5 of 9 users");
        agents[0].GetProperty("users").GetInt32().ShouldBe(5);
        agents[0].TryGetProperty("lostAtSeconds", out _).ShouldBeFalse();
        agents[1].GetProperty("state").GetString().ShouldBe("lost");
        agents[1].GetProperty("lostAtSeconds").GetDouble().ShouldBe(6.5);
        agents[1].GetProperty("lostReason").GetString().ShouldBe("no report for 3 s");
    }

    [Fact]
    public void Write_RunOnOneMachine_HasNoCluster()
    {
        using var document = JsonDocument.Parse(DashboardEvents.Write(new DashboardView { Version = 1, RunId = 1, State = DashboardRunState.Running, Stats = DashboardEventsTests.TenPerSecondFor10Seconds() }, 0, out _));

        document.RootElement.TryGetProperty("cluster", out _).ShouldBeFalse();
    }
}
