using System.Collections;
using System.Text.Json.Nodes;
using Stampede.Cli;
using Stampede.Cluster;

namespace Stampede.Tests.Deploy;

/// <summary>deploy/docker-compose.yml and deploy/Dockerfile checked without Docker (none runs here): the run they describe parses with Stampede's flags and holds together.</summary>
public sealed class ComposeFileTests
{
    private static readonly string Root = Repository.Root;

    [Fact]
    public void Compose_CoordinatorAndAgents_DescribeOneDistributedRun()
    {
        JsonObject services = StrictYaml.Documents(File.ReadAllText(Path.Combine(Root, "deploy", "docker-compose.yml")))[0]["services"]!.AsObject();
        var environment = new Hashtable { ["STAMPEDE_NATS_TOKEN"] = "from-the-shell" };

        ClusterSettings coordinator = Parse(services["coordinator"]!, environment);
        ClusterSettings agent = Parse(services["agent"]!, environment);

        services.Select(s => s.Key).ShouldBe(["nats", "demo", "agent", "coordinator"]);
        coordinator.Role.ShouldBe(ClusterRole.Coordinator);
        agent.Role.ShouldBe(ClusterRole.Agent);
        ((long)coordinator.ExpectAgents).ShouldBe(services["agent"]!["deploy"]!["replicas"]!.GetValue<long>());
        coordinator.RunId.ShouldBe(agent.RunId);
        coordinator.NatsUrl.ShouldBe(agent.NatsUrl);
        services.ContainsKey(new Uri(coordinator.NatsUrl).Host).ShouldBeTrue("the NATS URL names the compose service");
        services.ContainsKey(new Uri(Command(services["coordinator"]!)[Command(services["coordinator"]!).IndexOf("--host") + 1]).Host).ShouldBeTrue("the target is the demo service");
        services["nats"]!["command"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldContain("--auth");
        string scenario = services["agent"]!["build"]!["args"]!["SCENARIO"]!.GetValue<string>();
        File.Exists(Path.Combine(Root, scenario)).ShouldBeTrue($"{scenario} is in the repository");
    }

    [Fact]
    public void Dockerfile_TargetsAndDefaultScenario_Exist()
    {
        string dockerfile = File.ReadAllText(Path.Combine(Root, "deploy", "Dockerfile"));

        dockerfile.ShouldContain(" AS build");
        dockerfile.ShouldContain(" AS demo");
        dockerfile.ShouldContain(" AS scenario");
        string scenario = dockerfile.Split('\n').Single(l => l.StartsWith("ARG SCENARIO=", StringComparison.Ordinal))["ARG SCENARIO=".Length..].Trim();
        File.Exists(Path.Combine(Root, scenario)).ShouldBeTrue();
        File.ReadAllText(Path.Combine(Root, scenario)).ShouldContain("#:property PublishAot=false", Case.Sensitive, "a file-based app publishes native by default; the image runs it with dotnet");
    }

    private static List<string> Command(JsonNode service) => [.. service["command"]!.AsArray().Select(c => c!.GetValue<string>())];

    private static ClusterSettings Parse(JsonNode service, Hashtable environment)
    {
        ParseOutcome outcome = new CommandLine("compose").Parse(Command(service), environment);
        outcome.Errors.ShouldBeEmpty();
        return outcome.Settings!.Cluster;
    }
}
