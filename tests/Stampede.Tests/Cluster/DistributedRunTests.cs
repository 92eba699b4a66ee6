using System.Globalization;
using HdrHistogram;
using Stampede.Core.Tests.Infrastructure;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Reports;

namespace Stampede.Tests.Cluster;

/// <summary>
/// Distributed runs end to end: Debian's nats-server on loopback, a coordinator and agent processes of the test scenario
/// against a loopback server of known delays. The coordinator's numbers are checked against the agents' own outputs and
/// the server's count, never only against themselves.
/// </summary>
[Collection(DistributedRunCollection.Name)]
public sealed class DistributedRunTests : IAsyncLifetime
{
    private const string Token = "s3cret-nats-token-for-tests";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stampede-tests", "cluster-" + Guid.NewGuid().ToString("N"));
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _server = await LoopbackServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Coordinator_ThreeAgents_MergeIsTheAgentsOwnRunsExactly()
    {
        await using NatsServer nats = await NatsServer.StartAsync("--auth", Token);
        var secret = new Dictionary<string, string> { ["STAMPEDE_NATS_TOKEN"] = Token };
        string runJson = Path.Combine(_directory, "run.json");
        string html = Path.Combine(_directory, "run.html");
        ScenarioProcess[] agents = [.. Enumerable.Range(1, 3).Select(i => Agent(nats, "t1", $"gen-{i}", secret, "--json", AgentJson(i)))];
        await using var _ = new Processes(agents);
        await using ScenarioProcess coordinator = Coordinator(nats, "t1", 3, secret, "-u", "10", "-r", "10", "-t", "6s", "--stop-timeout", "5s", "--json", runJson, "--html", html);

        int exit = await coordinator.ExitAsync(TimeSpan.FromSeconds(90));

        exit.ShouldBe(0, coordinator.Output);
        foreach (ScenarioProcess agent in agents)
        {
            (await agent.ExitAsync(TimeSpan.FromSeconds(20))).ShouldBe(0, agent.Output);
        }

        RunDocument run = await RunDocumentReader.ReadAsync(runJson);
        RunDocument[] own = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => RunDocumentReader.ReadAsync(AgentJson(i))));

        // Every request the server answered is in the merged run, and in exactly one agent's own run.
        run.Aggregated.Requests.ShouldBe(_server.Requests);
        run.Aggregated.Requests.ShouldBe(own.Sum(d => d.Aggregated.Requests));
        run.Aggregated.Requests.ShouldBeGreaterThan(300);

        // The merged histograms are the agents' histograms merged, bit for bit, and so are their percentiles.
        foreach (RunDocumentRow row in run.Rows.Append(run.Aggregated))
        {
            // An agent whose users are all of one class has no row for the other.
            RunDocumentRow[] parts = [.. own.SelectMany(d => d.Rows.Append(d.Aggregated).Where(r => r.Method == row.Method && r.Name == row.Name))];
            HistogramBase merged = HistogramCodec.DecodeBase64(parts[0].Histogram!);
            foreach (RunDocumentRow part in parts.Skip(1))
            {
                merged.Add(HistogramCodec.DecodeBase64(part.Histogram!));
            }

            row.Histogram.ShouldBe(Convert.ToBase64String(HistogramCodec.Encode(merged)), $"{row.Name}: the coordinator's histogram is the merge of the agents'");
            row.Requests.ShouldBe(parts.Sum(p => p.Requests));
            row.MinMs.ShouldBe(parts.Min(p => p.MinMs));
            row.MaxMs.ShouldBe(parts.Max(p => p.MaxMs));
            row.PercentilesMs["99"].ShouldBe(Math.Clamp(merged.GetValueAtPercentile(99) / 1000.0, row.MinMs, row.MaxMs), 0.0005);
        }

        // The 70/30 mix of user classes holds across the agents: 7 small and 3 large users at the same pace.
        long small = run.Rows.Single(r => r.Name == "small").Requests;
        long large = run.Rows.Single(r => r.Name == "large").Requests;
        (small / (double)(small + large)).ShouldBe(0.7, 0.04);
        double smallP50 = run.Rows.Single(r => r.Name == "small").PercentilesMs["50"];
        double largeP50 = run.Rows.Single(r => r.Name == "large").PercentilesMs["50"];
        smallP50.ShouldBeInRange(20, 100, "the server answers small in 20 ms");
        largeP50.ShouldBeInRange(40, 120, "and large in 40 ms");
        largeP50.ShouldBeGreaterThan(smallP50 + 10);

        // The history holds every second, merged by second: its requests add up to the run's.
        run.History.Sum(h => h.Aggregated.Requests).ShouldBe(run.Aggregated.Requests);
        run.History.Max(h => h.Users).ShouldBe(10);

        RunDocumentCluster cluster = run.Cluster.ShouldNotBeNull();
        cluster.Agents.Select(a => a.State).ShouldAllBe(s => s == "finished");
        cluster.Agents.Select(a => a.Share).ShouldBe(["4 of 10 users", "3 of 10 users", "3 of 10 users"]);
        cluster.Agents.Sum(a => a.Requests).ShouldBe(run.Aggregated.Requests);
        cluster.Transport.ShouldBe("nats-core request-reply");
        cluster.StartSkewBoundMs.ShouldBeLessThan(50);
        run.Validity!.Verdict.ShouldBe("VALID", string.Join("; ", run.Validity.Reasons));

        // The run's generator health is the agents' (the worst of them), second by second.
        run.Generator.Samples.Count.ShouldBeGreaterThanOrEqualTo(5);
        run.Generator.PeakCpuPercent.ShouldBe(cluster.Agents.Max(a => a.PeakCpuPercent));
        run.Generator.PeakCpuPercent.ShouldBeGreaterThan(0);
        run.Generator.Samples.Max(s => s.CpuPercent).ShouldBe(run.Generator.PeakCpuPercent);

        // The NATS token is in no output, and the coordinator showed the agents.
        (await File.ReadAllTextAsync(runJson)).ShouldNotContain(Token);
        string page = await File.ReadAllTextAsync(html);
        page.ShouldNotContain(Token);
        page.ShouldContain("id=\"agents-table\"");
        coordinator.Output.ShouldNotContain(Token);
        coordinator.Output.ShouldContain("Agents (run 't1'");
    }

    [Fact]
    public async Task Coordinator_ConstantRateOverThreeAgents_UnionIsTheScheduleWithinOnePercent()
    {
        await using NatsServer nats = await NatsServer.StartAsync();
        string runJson = Path.Combine(_directory, "open.json");
        ScenarioProcess[] agents = [.. Enumerable.Range(1, 3).Select(i => Agent(nats, "open", $"gen-{i}", null))];
        await using var _ = new Processes(agents);
        await using ScenarioProcess coordinator = Coordinator(nats, "open", 3, null, "--rate", "120", "-t", "5s", "--max-users", "60", "--json", runJson);

        (await coordinator.ExitAsync(TimeSpan.FromSeconds(90))).ShouldBe(0, coordinator.Output);

        RunDocument run = await RunDocumentReader.ReadAsync(runJson);
        RunDocumentArrivals arrivals = run.Arrivals.ShouldNotBeNull();
        // The agents' union is the schedule itself: 600 arrivals due, a third on each agent (LoadPartitionTests proves it
        // arrival by arrival). What they started also depends on this machine, which runs the coordinator, three agents
        // and the server on two cores: the run says so itself when it falls short (validity below 99%).
        arrivals.DueIterations.ShouldBe(600, "constant arrivals at 120/s for 5 s, interleaved over three agents");
        run.History.Sum(h => h.DueIterations).ShouldBe(600);
        arrivals.StartedIterations.ShouldBeGreaterThanOrEqualTo(540);
        (arrivals.MeanTargetRate / 120).ShouldBeInRange(0.99, 1.01);
        run.Cluster!.Agents.Select(a => a.Share).ShouldAllBe(s => s == "1 in 3 arrivals");
        run.Cluster.Agents.ShouldAllBe(a => a.Requests >= 170 && a.Requests <= 200, "each agent sends a third");
        if (arrivals.StartedIterations < 594)
        {
            run.Validity!.Reasons.ShouldContain(r => r.StartsWith("achieved", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Coordinator_AgentKilledMidRun_ReportedAndInvalid()
    {
        await using NatsServer nats = await NatsServer.StartAsync();
        string runJson = Path.Combine(_directory, "lost.json");
        ScenarioProcess[] agents = [.. Enumerable.Range(1, 3).Select(i => Agent(nats, "lost", $"gen-{i}", null))];
        await using var _ = new Processes(agents);
        await using ScenarioProcess coordinator = Coordinator(nats, "lost", 3, null, "-u", "9", "-r", "9", "-t", "10s", "--agent-timeout", "3s", "--json", runJson);
        await Eventually.TrueAsync(() => coordinator.Output.Contains("Starting 3 agents", StringComparison.Ordinal), "the run started", timeoutMs: 60_000);
        await Task.Delay(TimeSpan.FromSeconds(3));

        agents[1].Kill();
        await using ScenarioProcess late = Agent(nats, "lost", "gen-4", null);

        (await late.ExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(StampedeApp.ClusterFailedExitCode, late.Output);
        late.Output.ShouldContain("error: the coordinator refused this agent: agent gen-4 asked to join after the run started");
        (await coordinator.ExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(0, coordinator.Output);
        RunDocument run = await RunDocumentReader.ReadAsync(runJson);
        RunDocumentAgent lost = run.Cluster!.Agents.Single(a => a.Name == "gen-2");
        lost.State.ShouldBe("lost");
        lost.LostReason.ShouldBe("no report for 3 s");
        lost.LostAtSeconds!.Value.ShouldBeInRange(4, 9);
        lost.Requests.ShouldBeGreaterThan(0, "what it had sent is kept");
        run.Cluster.Agents.Where(a => a.Name != "gen-2").ShouldAllBe(a => a.State == "finished");
        run.Run.DurationSeconds.ShouldBe(10, 0.5, "the run went on without it");
        run.Validity!.Verdict.ShouldBe("INVALID");
        run.Validity.Reasons.ShouldContain(r => r.StartsWith("agent gen-2 was lost", StringComparison.Ordinal) && r.Contains("3 of 9 users", StringComparison.Ordinal));
        run.Warnings!.ShouldContain(w => w.Kind == RunWarning.AgentLost);
        coordinator.Output.ShouldContain("Agent gen-2 was lost");
        run.Cluster.Refused!.ShouldContain(r => r.StartsWith("agent gen-4 asked to join after the run started", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Coordinator_AgentInterruptedOnItsMachine_LostWithThatReason()
    {
        await using NatsServer nats = await NatsServer.StartAsync();
        string runJson = Path.Combine(_directory, "agent-ctrlc.json");
        ScenarioProcess[] agents = [.. Enumerable.Range(1, 2).Select(i => Agent(nats, "agent-ctrlc", $"gen-{i}", null))];
        await using var _ = new Processes(agents);
        await using ScenarioProcess coordinator = Coordinator(nats, "agent-ctrlc", 2, null, "-u", "4", "-r", "4", "-t", "8s", "--json", runJson);
        await Eventually.TrueAsync(() => coordinator.Output.Contains("Starting 2 agents", StringComparison.Ordinal), "the run started", timeoutMs: 60_000);
        await Task.Delay(TimeSpan.FromSeconds(2));

        agents[0].Interrupt();

        (await agents[0].ExitAsync(TimeSpan.FromSeconds(20))).ShouldBe(130, agents[0].Output);
        (await coordinator.ExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(0, coordinator.Output);
        RunDocument run = await RunDocumentReader.ReadAsync(runJson);
        RunDocumentAgent stopped = run.Cluster!.Agents.Single(a => a.Name == "gen-1");
        stopped.State.ShouldBe("lost");
        stopped.LostReason.ShouldBe("stopped on its machine (Ctrl-C or SIGTERM) before the run ended");
        stopped.Requests.ShouldBeGreaterThan(0, "its last report, with everything up to its stop, was merged");
        run.Validity!.Verdict.ShouldBe("INVALID");
    }

    [Fact]
    public async Task Coordinator_AgentKilledWithReplan_TheOthersTakeItsUsers()
    {
        await using NatsServer nats = await NatsServer.StartAsync();
        string runJson = Path.Combine(_directory, "replan.json");
        ScenarioProcess[] agents = [.. Enumerable.Range(1, 3).Select(i => Agent(nats, "replan", $"gen-{i}", null))];
        await using var _ = new Processes(agents);
        await using ScenarioProcess coordinator = Coordinator(nats, "replan", 3, null, "-u", "9", "-r", "9", "-t", "12s", "--agent-timeout", "3s", "--replan-lost", "--allow-agent-loss", "--json", runJson);
        await Eventually.TrueAsync(() => coordinator.Output.Contains("Starting 3 agents", StringComparison.Ordinal), "the run started", timeoutMs: 60_000);
        await Task.Delay(TimeSpan.FromSeconds(2));

        agents[2].Kill();

        (await coordinator.ExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(0, coordinator.Output);
        RunDocument run = await RunDocumentReader.ReadAsync(runJson);
        run.Cluster!.Agents.Single(a => a.Name == "gen-3").State.ShouldBe("lost");
        run.History[^3].Users.ShouldBe(9, "the two left run all nine users after the re-plan");
        run.Validity!.Verdict.ShouldBe("VALID", "--allow-agent-loss accepts the loss");
        coordinator.Output.ShouldContain("Re-planned from second");
    }

    [Fact]
    public async Task Agents_CoordinatorKilled_StopTheirUsersWithinFiveSeconds()
    {
        await using NatsServer nats = await NatsServer.StartAsync();
        ScenarioProcess[] agents = [.. Enumerable.Range(1, 2).Select(i => Agent(nats, "orphan", $"gen-{i}", null))];
        await using var _ = new Processes(agents);
        await using ScenarioProcess coordinator = Coordinator(nats, "orphan", 2, null, "-u", "4", "-r", "4", "-t", "2m");
        await Eventually.TrueAsync(() => coordinator.Output.Contains("Starting 2 agents", StringComparison.Ordinal), "the run started", timeoutMs: 60_000);
        await Task.Delay(TimeSpan.FromSeconds(2));

        coordinator.Kill();
        DateTime killed = DateTime.UtcNow;

        foreach (ScenarioProcess agent in agents)
        {
            (await agent.ExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(StampedeApp.ClusterFailedExitCode, agent.Output);
            agent.Output.ShouldContain("has not been heard from");
        }

        (DateTime.UtcNow - killed).ShouldBeLessThan(TimeSpan.FromSeconds(8), "the agents ended soon after the coordinator");
        int served = _server.Requests;
        await Task.Delay(TimeSpan.FromSeconds(1));
        _server.Requests.ShouldBe(served, "nothing sends load after the agents stopped");
        _server.LastRequestAt.ShouldNotBeNull();
        (_server.LastRequestAt!.Value - killed).ShouldBeLessThan(TimeSpan.FromSeconds(5), "the last request left within 5 s of the coordinator's death");
    }

    [Fact]
    public async Task Coordinator_Interrupted_StopsEveryAgentAndWritesItsOutputs()
    {
        await using NatsServer nats = await NatsServer.StartAsync();
        string runJson = Path.Combine(_directory, "interrupted.json");
        ScenarioProcess[] agents = [.. Enumerable.Range(1, 2).Select(i => Agent(nats, "ctrlc", $"gen-{i}", null))];
        await using var _ = new Processes(agents);
        await using ScenarioProcess coordinator = Coordinator(nats, "ctrlc", 2, null, "-u", "4", "-r", "4", "-t", "2m", "--json", runJson);
        await Eventually.TrueAsync(() => coordinator.Output.Contains("Starting 2 agents", StringComparison.Ordinal), "the run started", timeoutMs: 60_000);
        await Task.Delay(TimeSpan.FromSeconds(3));

        coordinator.Interrupt();

        (await coordinator.ExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, coordinator.Output);
        foreach (ScenarioProcess agent in agents)
        {
            (await agent.ExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, agent.Output);
        }

        RunDocument run = await RunDocumentReader.ReadAsync(runJson);
        run.Run.StopReason.ShouldBe("interrupted");
        run.Cluster!.Agents.ShouldAllBe(a => a.State == "finished");
        run.Aggregated.Requests.ShouldBeInRange(_server.Requests - 4, _server.Requests, "a request in flight when its user was stopped at once is not counted; at most one per user");
    }

    [Fact]
    public async Task Agent_WrongToken_SaysTheServerRefusedItsCredentials()
    {
        await using NatsServer nats = await NatsServer.StartAsync("--auth", Token);
        await using ScenarioProcess agent = Agent(nats, "auth", "gen-1", new Dictionary<string, string> { ["STAMPEDE_NATS_TOKEN"] = "not-the-token" });

        (await agent.ExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(StampedeApp.ClusterFailedExitCode);

        agent.Output.ShouldContain($"the NATS server at {nats.Url} refused this process's credentials (Authorization Violation): check --nats-token");
        agent.Output.ShouldNotContain("not-the-token");
    }

    [Fact]
    public async Task Agent_OtherScenario_RefusedWithTheReason()
    {
        await using NatsServer nats = await NatsServer.StartAsync();
        await using ScenarioProcess coordinator = Coordinator(nats, "other", 1, null, "-u", "1", "-t", "2s", "--expect-agents-timeout", "20s");
        await using ScenarioProcess agent = ScenarioProcess.Start(["--agent", "--nats", nats.Url, "--run-id", "other", "--agent-name", "steady-1"], mix: false);

        (await agent.ExitAsync(TimeSpan.FromSeconds(40))).ShouldBe(StampedeApp.ClusterFailedExitCode);
        agent.Output.ShouldContain("error: the coordinator refused this agent: agent steady-1 runs another scenario");
        (await coordinator.ExitAsync(TimeSpan.FromSeconds(40))).ShouldBe(StampedeApp.ClusterFailedExitCode);
        coordinator.Output.ShouldContain("waited 20 s for 1 agents on run 'other'");
    }

    private string AgentJson(int i) => Path.Combine(_directory, $"agent-{i}.json");

    private static ScenarioProcess Agent(NatsServer nats, string runId, string name, IDictionary<string, string>? environment, params string[] more) =>
        ScenarioProcess.Start(["--agent", "--nats", nats.Url, "--run-id", runId, "--agent-name", name, "--heartbeat-timeout", "3s", .. more], environment: environment);

    private ScenarioProcess Coordinator(NatsServer nats, string runId, int agents, IDictionary<string, string>? environment, params string[] more) =>
        ScenarioProcess.Start(["--coordinator", "--expect-agents", agents.ToString(CultureInfo.InvariantCulture), "--nats", nats.Url, "--run-id", runId, "--host", _server.Address, "--headless", "--only-summary", .. more], environment: environment);

    /// <summary>Disposes every process at the end of a test (the ones a test did not wait for are killed).</summary>
    private sealed class Processes(IEnumerable<ScenarioProcess> processes) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (ScenarioProcess process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }
}

/// <summary>
/// The distributed-run tests run one at a time and after the tests that run in parallel: each starts several processes
/// on a 2-core machine and times what they do (an agent stopping within 5 s of its coordinator's death).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DistributedRunCollection
{
    public const string Name = "Distributed runs";
}
