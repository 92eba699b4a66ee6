using System.Diagnostics;
using System.Globalization;
using NATS.Client.Core;
using Stampede.Load;

namespace Stampede.Cluster;

/// <summary>The start of a run: waiting for the agents, measuring their clocks, giving each its share, and one start time.</summary>
internal sealed partial class NatsFleet
{
    /// <summary>Pings per agent; the one with the shortest round trip gives its clock offset (NTP's rule).</summary>
    private const int Pings = 5;

    /// <summary>How long an agent may take to get ready (its users created, its pool pre-allocated).</summary>
    private static readonly TimeSpan PlanTimeout = TimeSpan.FromMinutes(2);

    public async Task<long> StartAsync(FleetStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        lock (_lock)
        {
            _run++;
            _stopping = false;
            _agents.RemoveAll(a => a.State == AgentState.Lost);
            foreach (FleetAgent agent in _agents)
            {
                agent.Reset();
                agent.Index = -1;
            }

            _allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        FleetAgent[] agents = await GatherAsync(cancellationToken).ConfigureAwait(false);
        bool open = start.Options.IsOpenModel;
        lock (_lock)
        {
            _users = open || start.Options.Shape is not null ? null : start.Options.Users;
            _openModel = open;
            for (int i = 0; i < agents.Length; i++)
            {
                agents[i].Index = i;
                agents[i].Rank = i;
                agents[i].Share = ShareOf(i, agents.Length, _users, open);
            }
        }

        // Every agent prepares at once (users created, open-model pool started), then all start at one time.
        ClusterProtocol.ControlReply?[] ready = await Task.WhenAll(agents.Select(a => TryControlAsync(
            a,
            new ClusterProtocol.Control
            {
                Kind = ClusterProtocol.Kinds.Plan,
                Run = _run,
                Arguments = Arguments,
                Seed = start.Seed,
                Index = a.Index,
                Count = agents.Length,
                Host = start.Options.Host,
                Users = start.Options.Users,
                SpawnRate = start.Options.SpawnRate,
                RunTimeSeconds = start.Options.RunTime?.TotalSeconds,
            },
            PlanTimeout))).ConfigureAwait(false);
        for (int i = 0; i < agents.Length; i++)
        {
            if (ready[i] is not { Ok: true } reply)
            {
                await StopPreparedAsync(agents).ConfigureAwait(false);
                throw new ClusterException(ready[i] is { Error: { } error }
                    ? $"agent {agents[i].Name} could not take its share: {error}"
                    : string.Create(CultureInfo.InvariantCulture, $"agent {agents[i].Name} did not get ready within {PlanTimeout.TotalMinutes:0} minutes of its plan (or stopped answering)"));
            }
        }

        double worstTrip = agents.Max(a => a.ClockUncertaintyMs * 2);
        double startAt = ClusterProtocol.NowUnixMs() + Math.Max(500, (4 * worstTrip) + 200);
        await Task.WhenAll(agents.Select(a => TryControlAsync(
            a,
            new ClusterProtocol.Control { Kind = ClusterProtocol.Kinds.Start, Run = _run, StartUnixMs = startAt + a.ClockOffsetMs },
            TimeSpan.FromSeconds(2)))).ConfigureAwait(false);

        double wait = startAt - ClusterProtocol.NowUnixMs();
        long begin = Stopwatch.GetTimestamp() + (long)(wait / 1000 * Stopwatch.Frequency);
        lock (_lock)
        {
            _start = begin;
            _running = true;
            foreach (FleetAgent agent in agents)
            {
                agent.State = AgentState.Running;

                // Silence is counted from the start: an agent has its first second to report in.
                agent.LastSeen = begin;
            }
        }

        _log(string.Create(CultureInfo.InvariantCulture, $"Starting {agents.Length} agents together (clock offsets up to {agents.Max(a => Math.Abs(a.ClockOffsetMs)):0.###} ms, measured to ±{agents.Max(a => a.ClockUncertaintyMs):0.###} ms)."));
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(wait), CancellationToken.None).ConfigureAwait(false);
        }

        return begin;
    }

    /// <summary>Waits until the run has its agents, each answering and its clock measured.</summary>
    private async Task<FleetAgent[]> GatherAsync(CancellationToken cancellationToken)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(_settings.ExpectAgentsTimeout.TotalSeconds * Stopwatch.Frequency);
        int announced = -1;
        while (true)
        {
            FleetAgent[] ready;
            Task changed;
            lock (_lock)
            {
                ready = [.. _agents.Where(a => a.State == AgentState.Ready).OrderBy(a => a.JoinedAt)];
                changed = _agentsChanged.Task;
            }

            if (ready.Length >= _settings.ExpectAgents)
            {
                FleetAgent[] chosen = ready[.._settings.ExpectAgents];
                bool[] answered = await Task.WhenAll(chosen.Select(MeasureClockAsync)).ConfigureAwait(false);
                if (answered.All(a => a))
                {
                    return chosen;
                }

                lock (_lock)
                {
                    for (int i = 0; i < chosen.Length; i++)
                    {
                        if (!answered[i])
                        {
                            _agents.Remove(chosen[i]);
                            _log($"Agent {chosen[i].Name} joined but does not answer: waiting for another.");
                        }
                    }
                }

                continue;
            }

            if (ready.Length != announced)
            {
                announced = ready.Length;
                _log($"Waiting for agents on run '{_settings.RunId}' at {NatsConnector.Display(_settings.NatsUrl)}: {ready.Length} of {_settings.ExpectAgents}{(ready.Length == 0 ? string.Empty : $" ({string.Join(", ", ready.Select(a => a.Name))})")}.");
            }

            TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
            {
                throw new ClusterException(string.Create(CultureInfo.InvariantCulture,
                    $"waited {_settings.ExpectAgentsTimeout.TotalSeconds:0} s for {_settings.ExpectAgents} agents on run '{_settings.RunId}' at {NatsConnector.Display(_settings.NatsUrl)}, and {ready.Length} joined{(ready.Length == 0 ? string.Empty : $" ({string.Join(", ", ready.Select(a => a.Name))})")}: start the others with the same scenario and `--agent --nats {NatsConnector.Display(_settings.NatsUrl)} --run-id {_settings.RunId}`, or give --expect-agents {Math.Max(1, ready.Length)} (--expect-agents-timeout waits longer)"));
            }

            await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken), Task.Delay(left, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Pings <paramref name="agent"/> a few times; its clock offset is the one of the shortest round trip, ± half of it.</summary>
    private async Task<bool> MeasureClockAsync(FleetAgent agent)
    {
        double bestTrip = double.PositiveInfinity;
        double offset = 0;
        for (int i = 0; i < Pings; i++)
        {
            double sent = ClusterProtocol.NowUnixMs();
            ClusterProtocol.ControlReply? reply = await TryControlAsync(agent, new ClusterProtocol.Control { Kind = ClusterProtocol.Kinds.Ping, Run = _run }, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            double received = ClusterProtocol.NowUnixMs();
            if (reply is not { Ok: true })
            {
                continue;
            }

            double trip = received - sent;
            if (trip < bestTrip)
            {
                bestTrip = trip;
                offset = reply.AgentUnixMs - ((sent + received) / 2);
            }
        }

        if (double.IsInfinity(bestTrip))
        {
            return false;
        }

        lock (_lock)
        {
            agent.ClockOffsetMs = offset;
            agent.ClockUncertaintyMs = bestTrip / 2;
        }

        return true;
    }

    private async Task StopPreparedAsync(IEnumerable<FleetAgent> agents) =>
        await Task.WhenAll(agents.Select(a => TryControlAsync(a, new ClusterProtocol.Control { Kind = ClusterProtocol.Kinds.Stop, Run = _run }, TimeSpan.FromSeconds(2)))).ConfigureAwait(false);
}
