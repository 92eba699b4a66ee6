using System.Collections;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Stampede.Cli;
using Stampede.Cluster;

namespace Stampede.Tests.Deploy;

/// <summary>
/// deploy/k8s checked without a cluster: every document against the official Kubernetes client's API models (every
/// field's name and type), and the run they describe against Stampede's own flags: the roles parse, the coordinator
/// expects as many agents as the Job runs, both meet on the NATS Service with the Secret's token, and the Services
/// select the pods they serve.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Folder = Path.Combine(Repository.Root, "deploy", "k8s");

    static KubernetesManifestTests() =>
        KubernetesJson.AddJsonOptions(o => o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow);

    public static TheoryData<string> Files => [.. Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(Files))]
    public void Manifest_EveryDocument_MatchesTheKubernetesApi(string file)
    {
        foreach (JsonNode document in StrictYaml.Documents(File.ReadAllText(Path.Combine(Folder, file))))
        {
            string kind = document["kind"]!.GetValue<string>();
            IKubernetesObject parsed = Parse(document, kind);

            parsed.ApiVersion.ShouldBe(ExpectedApiVersion(kind), $"{file}: {kind}");
            ((IMetadata<V1ObjectMeta>)parsed).Metadata.Labels["app.kubernetes.io/name"].ShouldBe("stampede", $"{file}: {kind} carries the app label");
        }
    }

    [Fact]
    public void Parse_MisspelledField_IsRefused()
    {
        JsonNode document = StrictYaml.Documents("apiVersion: batch/v1\nkind: Job\nmetadata: {name: x}\nspec: {completionModee: Indexed}\n")[0];

        Exception error = Should.Throw<Exception>(() => Parse(document, "Job"));

        error.Message.ShouldContain("completionModee");
    }

    [Fact]
    public void Run_AgentsAndCoordinator_DescribeOneDistributedRun()
    {
        IKubernetesObject[] all = [.. Directory.GetFiles(Folder, "*.yaml").SelectMany(f => StrictYaml.Documents(File.ReadAllText(f))).Select(d => Parse(d, d["kind"]!.GetValue<string>()))];
        V1Job agents = all.OfType<V1Job>().Single(j => j.Metadata.Name == "stampede-agents");
        V1Job coordinator = all.OfType<V1Job>().Single(j => j.Metadata.Name == "stampede-coordinator");
        V1StatefulSet nats = all.OfType<V1StatefulSet>().Single();
        V1Service natsService = all.OfType<V1Service>().Single(s => s.Metadata.Name == "stampede-nats");
        V1Service dashboard = all.OfType<V1Service>().Single(s => s.Metadata.Name == "stampede-dashboard");

        // The agents: an Indexed Job that is never retried mid-run.
        agents.Spec.CompletionMode.ShouldBe("Indexed");
        agents.Spec.Parallelism.ShouldBe(agents.Spec.Completions);
        agents.Spec.BackoffLimit.ShouldBe(0);
        agents.Spec.Template.Spec.RestartPolicy.ShouldBe("Never");

        ClusterSettings agent = Settings(agents);
        ClusterSettings coordinating = Settings(coordinator);
        agent.Role.ShouldBe(ClusterRole.Agent);
        coordinating.Role.ShouldBe(ClusterRole.Coordinator);
        coordinating.ExpectAgents.ShouldBe(agents.Spec.Completions!.Value, "the coordinator waits for as many agents as the Job runs");
        coordinating.RunId.ShouldBe(agent.RunId);
        coordinating.NatsUrl.ShouldBe(agent.NatsUrl);
        coordinating.NatsUrl.ShouldBe($"nats://{natsService.Metadata.Name}:{natsService.Spec.Ports.Single().Port}");
        coordinator.Spec.Template.Spec.RestartPolicy.ShouldBe("Never");

        // Every process presents the token of the Secret the NATS server requires.
        foreach (V1Container container in new[] { agents, coordinator }.Select(j => j.Spec.Template.Spec.Containers.Single()))
        {
            V1SecretKeySelector token = container.Env.Single(e => e.Name == "STAMPEDE_NATS_TOKEN").ValueFrom.SecretKeyRef;
            (token.Name, token.Key).ShouldBe(("stampede-nats", "token"));
        }

        V1Container server = nats.Spec.Template.Spec.Containers.Single();
        server.Args.ShouldContain("--auth");
        server.Env.Single(e => e.Name == "NATS_TOKEN").ValueFrom.SecretKeyRef.Name.ShouldBe("stampede-nats");

        // The Services select the pods they serve, on ports those pods name.
        Selects(natsService, nats.Spec.Template, server);
        Selects(dashboard, coordinator.Spec.Template, coordinator.Spec.Template.Spec.Containers.Single());
        natsService.Spec.Type.ShouldBe("ClusterIP", "NATS is never exposed outside the cluster");

        // The coordinator's outputs go to the volume the results pod reads.
        string claim = coordinator.Spec.Template.Spec.Volumes.Single().PersistentVolumeClaim.ClaimName;
        all.OfType<V1PersistentVolumeClaim>().Single().Metadata.Name.ShouldBe(claim);
        all.OfType<V1Pod>().Single().Spec.Volumes.Single().PersistentVolumeClaim.ClaimName.ShouldBe(claim);
        string mount = coordinator.Spec.Template.Spec.Containers.Single().VolumeMounts.Single().MountPath;
        Arguments(coordinator).ShouldContain(a => a.StartsWith(mount + "/", StringComparison.Ordinal), "an output is written to the volume");
    }

    /// <summary>The container's arguments and environment as Stampede parses them.</summary>
    private static ClusterSettings Settings(V1Job job)
    {
        V1Container container = job.Spec.Template.Spec.Containers.Single();
        var environment = new Hashtable();
        foreach (V1EnvVar variable in container.Env)
        {
            environment[variable.Name] = variable.Value ?? $"from-{variable.ValueFrom.SecretKeyRef?.Name ?? "field"}";
        }

        // Kubernetes expands $(POD_NAME) from the pod's name, a valid agent name.
        IReadOnlyList<string> args = [.. Arguments(job).Select(a => a.Replace("$(POD_NAME)", "stampede-agents-0-x7k2q", StringComparison.Ordinal))];
        ParseOutcome outcome = new CommandLine("k8s").Parse(args, environment);
        outcome.Errors.ShouldBeEmpty();
        return outcome.Settings!.Cluster;
    }

    private static IList<string> Arguments(V1Job job) => job.Spec.Template.Spec.Containers.Single().Args;

    private static void Selects(V1Service service, V1PodTemplateSpec template, V1Container container)
    {
        service.Spec.Selector.ShouldAllBe(s => template.Metadata.Labels[s.Key] == s.Value, $"{service.Metadata.Name} selects its pods");
        foreach (V1ServicePort port in service.Spec.Ports)
        {
            container.Ports.ShouldContain(p => p.Name == port.TargetPort.Value, $"{service.Metadata.Name}'s target port {port.TargetPort.Value} is named by the container");
        }
    }

    private static IKubernetesObject Parse(JsonNode document, string kind) => kind switch
    {
        "Job" => KubernetesJson.Deserialize<V1Job>(document),
        "StatefulSet" => KubernetesJson.Deserialize<V1StatefulSet>(document),
        "Service" => KubernetesJson.Deserialize<V1Service>(document),
        "PersistentVolumeClaim" => KubernetesJson.Deserialize<V1PersistentVolumeClaim>(document),
        "Pod" => KubernetesJson.Deserialize<V1Pod>(document),
        _ => throw new InvalidDataException($"a {kind} is not a kind deploy/k8s is expected to hold"),
    };

    private static string ExpectedApiVersion(string kind) => kind switch
    {
        "Job" => "batch/v1",
        "StatefulSet" => "apps/v1",
        _ => "v1",
    };
}
