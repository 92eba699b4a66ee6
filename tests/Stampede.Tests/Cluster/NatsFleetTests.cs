using NATS.Client.Core;
using Stampede.Cluster;

namespace Stampede.Tests.Cluster;

/// <summary>The coordinator's door, on a real nats-server: who it lets in and what it says to the rest.</summary>
[Collection(DistributedRunCollection.Name)]
public sealed class NatsFleetTests
{
    [Fact]
    public async Task Join_OtherStampedeVersion_RefusedNamingBothVersions()
    {
        await using NatsServer nats = await NatsServer.StartAsync();
        var log = new List<string>();
        var settings = new ClusterSettings { Role = ClusterRole.Coordinator, NatsUrl = nats.Url, RunId = "versions", ExpectAgents = 2 };
        await using NatsFleet fleet = await NatsFleet.StartAsync(settings, [typeof(FleetUser)], 90, line => { lock (log) { log.Add(line); } }, CancellationToken.None);
        await using var client = new NatsConnection(NatsOpts.Default with { Url = nats.Url });

        ClusterProtocol.JoinReply old = await JoinAsync(client, "versions", Request(ScenarioFingerprint.Of([typeof(FleetUser)])) with { StampedeVersion = "0.0.9" });
        ClusterProtocol.JoinReply otherScenario = await JoinAsync(client, "versions", Request("0123456789abcdef"));
        ClusterProtocol.JoinReply same = await JoinAsync(client, "versions", Request(ScenarioFingerprint.Of([typeof(FleetUser)])));

        old.Accepted.ShouldBeFalse();
        old.Reason.ShouldBe($"agent gen-x runs Stampede 0.0.9 (cluster protocol 1) and this coordinator Stampede {StampedeApp.Version} (protocol 1): build every agent and the coordinator from the same Stampede version");
        otherScenario.Accepted.ShouldBeFalse();
        otherScenario.Reason!.ShouldStartWith("agent gen-x runs another scenario (fingerprint 0123456789abcdef;");
        same.Accepted.ShouldBeTrue();
        fleet.Current.Refused.Count.ShouldBe(2);
        lock (log)
        {
            log.ShouldContain(l => l.StartsWith("Refused: agent gen-x runs Stampede 0.0.9", StringComparison.Ordinal));
            log.ShouldContain("Agent gen-x joined from test-host (2 cores): 1 of 2.");
        }
    }

    [Fact]
    public async Task Join_MoreThanExpected_RefusedWithTheCount()
    {
        await using NatsServer nats = await NatsServer.StartAsync();
        var settings = new ClusterSettings { Role = ClusterRole.Coordinator, NatsUrl = nats.Url, RunId = "full", ExpectAgents = 1 };
        await using NatsFleet fleet = await NatsFleet.StartAsync(settings, [typeof(FleetUser)], 90, _ => { }, CancellationToken.None);
        await using var client = new NatsConnection(NatsOpts.Default with { Url = nats.Url });
        string scenario = ScenarioFingerprint.Of([typeof(FleetUser)]);

        (await JoinAsync(client, "full", Request(scenario))).Accepted.ShouldBeTrue();
        ClusterProtocol.JoinReply second = await JoinAsync(client, "full", Request(scenario) with { Name = "gen-y" });

        second.Accepted.ShouldBeFalse();
        second.Reason.ShouldBe("agent gen-y would be agent 2 of a run that expects 1 (--expect-agents): give the coordinator a higher --expect-agents, or start fewer agents");
    }

    [Fact]
    public void Fingerprint_SameClassesInAnyOrder_SameValue_OtherClassesAnother()
    {
        string one = ScenarioFingerprint.Of([typeof(FleetUser), typeof(OtherUser)]);

        ScenarioFingerprint.Of([typeof(OtherUser), typeof(FleetUser)]).ShouldBe(one);
        ScenarioFingerprint.Of([typeof(FleetUser)]).ShouldNotBe(one);
        one.Length.ShouldBe(16);
    }

    private static ClusterProtocol.JoinRequest Request(string scenario) => new()
    {
        Protocol = ClusterProtocol.Version,
        StampedeVersion = StampedeApp.Version,
        Scenario = scenario,
        Name = "gen-x",
        Host = "test-host",
        ProcessId = 1,
        Cores = 2,
    };

    private static async Task<ClusterProtocol.JoinReply> JoinAsync(NatsConnection client, string runId, ClusterProtocol.JoinRequest request)
    {
        NatsMsg<byte[]> reply = await client.RequestAsync<byte[], byte[]>(ClusterProtocol.JoinSubject(runId), ClusterProtocol.Encode(request));
        return ClusterProtocol.Decode<ClusterProtocol.JoinReply>(reply.Data);
    }

    internal sealed class FleetUser : User
    {
        [Task(2)]
        public Task Work() => Task.CompletedTask;
    }

    internal sealed class OtherUser : User
    {
        [Task]
        public Task Other() => Task.CompletedTask;
    }
}
