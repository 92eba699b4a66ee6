using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using NATS.Client.Core;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Cluster;

/// <summary>
/// A distributed run's coordinator side over NATS (<see cref="IAgentFleet"/>): takes agents in as they join, plans
/// their shares, starts them on one clock, takes their numbered reports once each and merges them, notices the ones
/// that go silent, and stops them. One fleet serves every run of a coordinator (a dashboard's runs reuse its agents).
/// </summary>
/// <remarks>
/// The NATS handlers only queue what arrives; the merge runs on the run's aggregator thread (<see cref="Drain"/>), so
/// the aggregator keeps its single owner. Runs on the system clock only: agents are other processes.
/// </remarks>
internal sealed partial class NatsFleet : IAgentFleet, IAsyncDisposable
{
    private static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(1);

    private readonly ClusterSettings _settings;
    private readonly NatsConnection _nats;
    private readonly string _scenario;
    private readonly Action<string> _log;
    private readonly Lock _lock = new();
    private readonly List<FleetAgent> _agents = [];
    private readonly List<string> _refused = [];
    private readonly ConcurrentQueue<(FleetAgent Agent, ClusterProtocol.Report Report)> _inbox = new();
    private readonly List<RunWarning> _warnings = [];
    private readonly HashSet<(string Kind, string Message)> _warned = [];
    private readonly CancellationTokenSource _closing = new();
    private readonly List<Task> _loops = [];
    private TaskCompletionSource _agentsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ClusterHealth _health;
    private int _run;
    private bool _running;
    private volatile bool _stopping;
    private long _start;
    private int? _users;
    private bool _openModel;
    private long _reportsMerged;
    private long _bytes;
    private double _mergeMs;

    private NatsFleet(ClusterSettings settings, NatsConnection nats, string scenario, double cpuWarningThresholdPercent, Action<string> log)
    {
        _settings = settings;
        _nats = nats;
        _scenario = scenario;
        _log = log;
        _health = new ClusterHealth(cpuWarningThresholdPercent);
    }

    /// <summary>The effective arguments to send the agents with each plan (the coordinator's, less its own flags).</summary>
    public IReadOnlyList<string> Arguments { get; set; } = [];

    public IGeneratorWatch PrepareRun(LoadTestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_lock)
        {
            _health = new ClusterHealth(options.CpuWarningThresholdPercent);
            _warnings.Clear();
            _warned.Clear();
            _reportsMerged = 0;
            _bytes = 0;
            _mergeMs = 0;
            return _health;
        }
    }

    public int Users
    {
        get
        {
            lock (_lock)
            {
                return _agents.Where(a => a.State == AgentState.Running).Sum(a => a.Users);
            }
        }
    }

    public FleetArrivals? Arrivals
    {
        get
        {
            lock (_lock)
            {
                FleetArrivals[] parts = [.. _agents.Select(a => a.Arrivals).OfType<FleetArrivals>()];
                return parts.Length == 0 ? null : new FleetArrivals(
                    parts.Sum(p => p.Due), parts.Sum(p => p.Started), parts.Sum(p => p.Dropped), parts.Sum(p => p.Users), parts.Sum(p => p.Busy), parts.Sum(p => p.MaxUsers));
            }
        }
    }

    public ClusterStats Current
    {
        get
        {
            lock (_lock)
            {
                FleetAgent[] inRun = [.. _agents.Where(a => a.Index >= 0).OrderBy(a => a.Index)];
                return new ClusterStats
                {
                    RunId = _settings.RunId,
                    Server = NatsConnector.Display(_settings.NatsUrl),
                    ExpectedAgents = _settings.ExpectAgents,
                    AllowAgentLoss = _settings.AllowAgentLoss,
                    ReplanLost = _settings.ReplanLost,
                    Agents = [.. inRun.Select(a => a.ToStats())],
                    Refused = [.. _refused],
                    MaxClockOffsetMs = inRun.Length == 0 ? 0 : Math.Round(inRun.Max(a => Math.Abs(a.ClockOffsetMs)), 3),
                    StartSkewBoundMs = inRun.Length == 0 ? 0 : Math.Round(inRun.Max(a => a.ClockUncertaintyMs), 3),
                    ReportsMerged = _reportsMerged,
                    BytesReceived = _bytes,
                    MergeMs = Math.Round(_mergeMs, 3),
                };
            }
        }
    }

    /// <summary>Connects to the run's NATS server and starts taking agents in.</summary>
    /// <exception cref="ClusterException">The server cannot be reached or refused the credentials.</exception>
    public static async Task<NatsFleet> StartAsync(ClusterSettings settings, IEnumerable<Type> userTypes, double cpuWarningThresholdPercent, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        NatsConnection nats = await NatsConnector.ConnectAsync(settings, $"stampede-coordinator-{settings.RunId}", cancellationToken).ConfigureAwait(false);
        var fleet = new NatsFleet(settings, nats, ScenarioFingerprint.Of(userTypes), cpuWarningThresholdPercent, log);
        await fleet.ListenAsync().ConfigureAwait(false);
        return fleet;
    }

    public IReadOnlyList<RunWarning> TakeWarnings()
    {
        lock (_lock)
        {
            RunWarning[] taken = [.. _warnings];
            _warnings.Clear();
            return taken;
        }
    }

    public void Drain(MetricsAggregator aggregator)
    {
        ArgumentNullException.ThrowIfNull(aggregator);
        long began = Stopwatch.GetTimestamp();
        double frequency = Stopwatch.Frequency;
        while (_inbox.TryDequeue(out var item))
        {
            (FleetAgent agent, ClusterProtocol.Report report) = item;
            double scale = report.Frequency == Stopwatch.Frequency ? 1 : frequency / report.Frequency;
            long requests = 0;
            long failures = 0;
            foreach (IntervalState state in report.Intervals)
            {
                aggregator.Merge(state, scale);
                requests += state.Total.Count;
                failures += state.Total.Failures;
                lock (_lock)
                {
                    if (state.GeneratorBound)
                    {
                        _health.NoteBound(agent.Name, state.Second);
                    }

                    if (!state.MoreParts)
                    {
                        agent.LastSecond = Math.Max(agent.LastSecond, state.Second);
                    }
                }
            }

            aggregator.MergeErrors(report.Errors);
            lock (_lock)
            {
                _health.Report(agent.Name, report.Health, report.Samples, report.GeneratorWarnings);
                agent.Health = report.Health;
                agent.Requests += requests;
                agent.Failures += failures;
                agent.Users = report.Users;
                agent.Arrivals = report.Arrivals;
                agent.ElapsedSeconds = Math.Max(agent.ElapsedSeconds, report.ElapsedSeconds);
                foreach (RunWarning warning in report.RunWarnings)
                {
                    // Agents warn about the same target in the same words: once is enough.
                    if (_warned.Add((warning.Kind, warning.Message)))
                    {
                        _warnings.Add(warning with { Message = $"{agent.Name}: {warning.Message}" });
                    }
                }

                if (report.Final && agent.State == AgentState.Running)
                {
                    agent.StopReason = report.StopReason;
                    if (report.StopReason == StopReason.Interrupted && !_stopping)
                    {
                        // Stopped on its own machine (Ctrl-C, SIGTERM) while the run went on: its share is missing from then.
                        MarkLost(agent, report.ElapsedSeconds, report.EndReason ?? "stopped on its machine (Ctrl-C or SIGTERM) before the run ended");
                        if (_settings.ReplanLost)
                        {
                            Replan(report.ElapsedSeconds);
                        }
                    }
                    else
                    {
                        agent.State = AgentState.Finished;
                    }
                }

                _reportsMerged++;
            }
        }

        lock (_lock)
        {
            _mergeMs += Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            if (!_running)
            {
                aggregator.MergeWatermark = long.MaxValue;
                return;
            }

            NoteSilentAgents();
            long watermark = long.MaxValue;
            foreach (FleetAgent agent in _agents)
            {
                if (agent.State == AgentState.Running)
                {
                    watermark = Math.Min(watermark, agent.LastSecond + 1);
                }
            }

            aggregator.MergeWatermark = watermark;
            if (_agents.Where(a => a.Index >= 0).All(a => a.State is AgentState.Finished or AgentState.Lost))
            {
                _allDone.TrySetResult();
            }
        }
    }

    public async Task<StopReason> RunAsync(CancellationToken stop)
    {
        Task done;
        lock (_lock)
        {
            done = _allDone.Task;
        }

        try
        {
            await done.WaitAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return StopReason.Interrupted;
        }

        lock (_lock)
        {
            StopReason[] reasons = [.. _agents.Where(a => a.State == AgentState.Finished && a.StopReason is not null).Select(a => a.StopReason!.Value)];
            return reasons.Contains(StopReason.TargetUnreachable) ? StopReason.TargetUnreachable
                : reasons.Length == 0 ? StopReason.Interrupted
                : reasons.Distinct().Count() == 1 ? reasons[0]
                : StopReason.RunTimeElapsed;
        }
    }

    public async Task<double> FinishAsync(TimeSpan timeout)
    {
        _stopping = true;
        FleetAgent[] running;
        lock (_lock)
        {
            running = [.. _agents.Where(a => a.State == AgentState.Running && !a.FinalReceived)];
        }

        await Task.WhenAll(running.Select(a => TryControlAsync(a, new ClusterProtocol.Control { Kind = ClusterProtocol.Kinds.Stop, Run = _run }, TimeSpan.FromSeconds(2)))).ConfigureAwait(false);
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            lock (_lock)
            {
                if (_agents.Where(a => a.Index >= 0).All(a => a.FinalReceived || a.State == AgentState.Lost))
                {
                    break;
                }
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        lock (_lock)
        {
            double elapsed = Stopwatch.GetElapsedTime(_start).TotalSeconds;
            foreach (FleetAgent agent in _agents.Where(a => a.Index >= 0 && a.State == AgentState.Running && !a.FinalReceived))
            {
                MarkLost(agent, elapsed, string.Create(CultureInfo.InvariantCulture, $"no last report within {timeout.TotalSeconds:0} s of the stop"));
            }

            _running = false;
            FleetAgent[] ran = [.. _agents.Where(a => a.Index >= 0)];
            double longest = ran.Where(a => a.FinalReceived).Select(a => a.ElapsedSeconds).DefaultIfEmpty(0).Max();
            return longest > 0 ? longest : Math.Max(0, elapsed);
        }
    }

    public void SetUsers(int users, double spawnRate)
    {
        lock (_lock)
        {
            _users = users;
            int count = _agents.Count(a => a.Index >= 0 && a.State != AgentState.Lost);
            foreach (FleetAgent agent in _agents.Where(a => a.Index >= 0 && a.State != AgentState.Lost))
            {
                agent.Share = ShareOf(agent.Rank, count, users, open: false);
            }
        }

        Broadcast(new ClusterProtocol.Control { Kind = ClusterProtocol.Kinds.Users, Run = _run, Users = users, SpawnRate = spawnRate });
    }

    public void SetRate(double rate, double atSeconds) =>
        Broadcast(new ClusterProtocol.Control { Kind = ClusterProtocol.Kinds.Rate, Run = _run, Rate = rate, AtSeconds = atSeconds });

    /// <summary>Tells every agent to quit, then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        FleetAgent[] agents;
        lock (_lock)
        {
            agents = [.. _agents];
        }

        await Task.WhenAll(agents.Select(a => TryControlAsync(a, new ClusterProtocol.Control { Kind = ClusterProtocol.Kinds.Quit, Run = _run }, TimeSpan.FromSeconds(2)))).ConfigureAwait(false);
        await _closing.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loops end with the fleet.
        }

        await _nats.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
    }

    /// <summary>An agent whose reports stopped for longer than the agent timeout is lost; its share may move to the others.</summary>
    private void NoteSilentAgents()
    {
        long now = Stopwatch.GetTimestamp();
        double elapsed = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        bool lost = false;
        foreach (FleetAgent agent in _agents)
        {
            if (agent.State == AgentState.Running && !agent.FinalReceived && Stopwatch.GetElapsedTime(agent.LastSeen, now) > _settings.AgentTimeout)
            {
                MarkLost(agent, elapsed, string.Create(CultureInfo.InvariantCulture, $"no report for {_settings.AgentTimeout.TotalSeconds:0.#} s"));
                lost = true;
            }
        }

        if (lost && _settings.ReplanLost)
        {
            Replan(elapsed);
        }
    }

    private void MarkLost(FleetAgent agent, double elapsed, string reason)
    {
        agent.State = AgentState.Lost;
        agent.LostAtSeconds = Math.Max(0, elapsed);
        agent.LostReason = reason;
        agent.Users = 0;
        string message = string.Create(CultureInfo.InvariantCulture, $"Agent {agent.Name} was lost {Math.Max(0, elapsed):0.#} s into the run ({reason}); its share was {agent.Share}, and it had sent {agent.Requests} requests.{(_settings.ReplanLost ? " Its share moves to the other agents." : _settings.AllowAgentLoss ? string.Empty : " The run is INVALID unless --allow-agent-loss.")}");
        _log(message);
        _warnings.Add(new RunWarning(TimeSpan.FromSeconds(Math.Max(0, elapsed)), RunWarning.AgentLost, message));
    }

    /// <summary>The survivors deal the whole load among themselves from the second after next (time for the message to arrive).</summary>
    private void Replan(double elapsed)
    {
        FleetAgent[] survivors = [.. _agents.Where(a => a.Index >= 0 && a.State == AgentState.Running).OrderBy(a => a.Rank)];
        if (survivors.Length == 0)
        {
            return;
        }

        double from = Math.Floor(elapsed) + 2;
        for (int rank = 0; rank < survivors.Length; rank++)
        {
            FleetAgent agent = survivors[rank];
            agent.Rank = rank;
            agent.Share = ShareOf(rank, survivors.Length, _users, _openModel);
            _ = TryControlAsync(agent, new ClusterProtocol.Control { Kind = ClusterProtocol.Kinds.Replan, Run = _run, Index = rank, Count = survivors.Length, AtSeconds = from }, TimeSpan.FromSeconds(2));
        }

        _log(string.Create(CultureInfo.InvariantCulture, $"Re-planned from second {from:0}: the load is shared by {survivors.Length} agents ({string.Join(", ", survivors.Select(a => a.Name))})."));
    }

    private static string ShareOf(int index, int count, int? users, bool open) =>
        open || users is null
            ? $"1 in {count} {(open ? "arrivals" : "users")}"
            : $"{LoadPartition.Share(users.Value, index, count)} of {users.Value} users";

    private void Broadcast(ClusterProtocol.Control control)
    {
        FleetAgent[] agents;
        lock (_lock)
        {
            agents = [.. _agents.Where(a => a.State == AgentState.Running)];
        }

        foreach (FleetAgent agent in agents)
        {
            _ = TryControlAsync(agent, control, TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>Sends <paramref name="control"/> to <paramref name="agent"/>; <see langword="null"/> when it did not answer in time.</summary>
    private async Task<ClusterProtocol.ControlReply?> TryControlAsync(FleetAgent agent, ClusterProtocol.Control control, TimeSpan timeout)
    {
        try
        {
            return await RequestAsync<ClusterProtocol.Control, ClusterProtocol.ControlReply>(ClusterProtocol.AgentSubject(_settings.RunId, agent.Name), control, timeout, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException or OperationCanceledException or InvalidDataException)
        {
            return null;
        }
    }

    private async Task<TReply> RequestAsync<TRequest, TReply>(string subject, TRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        NatsMsg<byte[]> reply = await _nats.RequestAsync<byte[], byte[]>(
            subject,
            ClusterProtocol.Encode(request),
            replyOpts: new NatsSubOpts { Timeout = timeout },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (reply.HasNoResponders)
        {
            throw new NatsNoRespondersException();
        }

        return ClusterProtocol.Decode<TReply>(reply.Data ?? []);
    }
}
