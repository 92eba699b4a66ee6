using System.Collections;
using Stampede.Cli;
using Stampede.Cluster;

namespace Stampede.Tests.Cli;

/// <summary>The distributed run's flags: roles, Locust's aliases, NATS credentials, and the refusals that name what to do.</summary>
public sealed class CommandLineClusterTests
{
    private static readonly Hashtable NoEnvironment = [];

    [Fact]
    public void Parse_Coordinator_ReadsEverySetting()
    {
        ParseOutcome outcome = Parse(
            ["--coordinator", "--expect-agents", "3", "--nats", "nats://10.0.0.5:4222", "--run-id", "nightly-42", "--expect-agents-timeout", "5m",
             "--heartbeat-timeout", "4s", "--agent-timeout", "20s", "--allow-agent-loss", "--replan-lost", "--nats-user", "gen", "--nats-password", "pw", "--nats-ca", "ca.pem"]);

        outcome.Errors.ShouldBeEmpty();
        ClusterSettings c = outcome.Settings!.Cluster;
        c.Role.ShouldBe(ClusterRole.Coordinator);
        c.ExpectAgents.ShouldBe(3);
        c.NatsUrl.ShouldBe("nats://10.0.0.5:4222");
        c.RunId.ShouldBe("nightly-42");
        c.ExpectAgentsTimeout.ShouldBe(TimeSpan.FromMinutes(5));
        c.HeartbeatTimeout.ShouldBe(TimeSpan.FromSeconds(4));
        c.AgentTimeout.ShouldBe(TimeSpan.FromSeconds(20));
        c.AllowAgentLoss.ShouldBeTrue();
        c.ReplanLost.ShouldBeTrue();
        c.Credentials.User.ShouldBe("gen");
        c.Credentials.Password.ShouldBe("pw");
        c.Credentials.CaFile.ShouldBe("ca.pem");
    }

    [Fact]
    public void Parse_LocustNames_AreAliases()
    {
        ClusterSettings master = Parse(["--master", "--expect-workers", "2", "--master-host", "nats.internal", "--expect-workers-max-wait", "30s"]).Settings!.Cluster;
        ClusterSettings worker = Parse(["--worker", "--master-host", "nats.internal"]).Settings!.Cluster;

        master.Role.ShouldBe(ClusterRole.Coordinator);
        master.ExpectAgents.ShouldBe(2);
        master.NatsUrl.ShouldBe("nats://nats.internal:4222");
        master.ExpectAgentsTimeout.ShouldBe(TimeSpan.FromSeconds(30));
        worker.Role.ShouldBe(ClusterRole.Agent);
        worker.NatsUrl.ShouldBe("nats://nats.internal:4222");
    }

    [Fact]
    public void Parse_NoRole_IsARunOnOneMachine()
    {
        ClusterSettings settings = Parse([]).Settings!.Cluster;

        settings.Role.ShouldBe(ClusterRole.None);
        settings.ShouldBeSameAs(ClusterSettings.None);
    }

    [Fact]
    public void Parse_TokenFromTheEnvironment_IsTheAgentsToken()
    {
        ParseOutcome outcome = new CommandLine("test").Parse(["--agent"], new Hashtable { ["STAMPEDE_NATS_TOKEN"] = "t0k3n-value" });

        outcome.Errors.ShouldBeEmpty();
        outcome.Settings!.Cluster.Credentials.Token.ShouldBe("t0k3n-value");
    }

    [Theory]
    [InlineData(new[] { "--coordinator", "--agent" }, "--coordinator and --agent: a process is one or the other; start the agents as separate processes.")]
    [InlineData(new[] { "--expect-agents", "3" }, "--expect-agents applies to a distributed run's coordinator: add --coordinator.")]
    [InlineData(new[] { "--agent", "--replan-lost" }, "--replan-lost applies to a distributed run's coordinator: add --coordinator.")]
    [InlineData(new[] { "--nats", "nats://127.0.0.1:4222" }, "--nats applies to a distributed run: add --coordinator (or --agent).")]
    [InlineData(new[] { "--agent", "--users", "10" }, "--users sets the load, which an agent takes from its coordinator: give it to the coordinator (--coordinator) instead.")]
    [InlineData(new[] { "--agent", "--host", "http://127.0.0.1:8080" }, "--host sets the load, which an agent takes from its coordinator: give it to the coordinator (--coordinator) instead.")]
    [InlineData(new[] { "--agent", "--nats-user", "gen" }, "--nats-user and --nats-password go together: give both (or neither).")]
    [InlineData(new[] { "--coordinator", "--nats", "http://127.0.0.1:4222" }, "--nats: 'http://127.0.0.1:4222' is not valid; give a NATS URL such as nats://127.0.0.1:4222 (tls:// for TLS).")]
    [InlineData(new[] { "--coordinator", "--run-id", "a.b" }, "--run-id: 'a.b' is not valid; give 1 to 64 letters, digits, '-' or '_' (it becomes part of NATS subjects).")]
    [InlineData(new[] { "--coordinator", "--expect-agents", "0" }, "--expect-agents: '0' is not valid; give a whole number of agents, 1 or more.")]
    public void Parse_Contradiction_IsRefusedWithWhatToDo(string[] args, string message)
    {
        ParseOutcome outcome = Parse(args);

        outcome.Settings.ShouldBeNull();
        outcome.Errors.ShouldContain(message);
    }

    [Fact]
    public void Parse_BadNatsUrlWithPassword_HidesThePassword()
    {
        ParseOutcome outcome = Parse(["--coordinator", "--nats", "http://gen:hunter22@127.0.0.1:4222"]);

        outcome.Errors.ShouldHaveSingleItem().ShouldNotContain("hunter22");
    }

    [Fact]
    public void ForAgents_CoordinatorArguments_LeaveOutItsRoleAndCredentials()
    {
        IReadOnlyList<string> sent = CommandLine.ForAgents(
            ["--coordinator", "--expect-agents", "3", "--nats=nats://h:4222", "--nats-password", "pw", "--nats-user", "u", "-u", "100",
             "--allow-agent-loss", "--host", "http://127.0.0.1:8080", "--master", "true", "--run-id", "r", "--rate-stages", "10s:5", "--web-auth", "admin:pw"]);

        sent.ShouldBe(["-u", "100", "--host", "http://127.0.0.1:8080", "--rate-stages", "10s:5"]);
    }

    [Fact]
    public void Options_UrlCredentials_MoveIntoTheAuthentication()
    {
        var settings = new ClusterSettings { Role = ClusterRole.Agent, NatsUrl = "nats://gen:pa%3Ass@10.0.0.5:4222" };

        NATS.Client.Core.NatsOpts options = NatsConnector.Options(settings, "agent");

        options.Url.ShouldBe("nats://10.0.0.5:4222");
        options.AuthOpts.Username.ShouldBe("gen");
        options.AuthOpts.Password.ShouldBe("pa:ss");
        NatsConnector.Display(settings.NatsUrl).ShouldBe("nats://10.0.0.5:4222");
        NatsConnector.Options(settings with { NatsUrl = "tls://s3cret@10.0.0.5:4443" }, "agent").AuthOpts.Token.ShouldBe("s3cret");
        NatsConnector.Options(settings with { NatsUrl = "tls://10.0.0.5:4443" }, "agent").TlsOpts.Mode.ShouldBe(NATS.Client.Core.TlsMode.Require);
    }

    private static ParseOutcome Parse(string[] args) => new CommandLine("test").Parse(args, NoEnvironment);
}
