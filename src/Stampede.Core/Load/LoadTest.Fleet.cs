using Stampede.Analysis;
using Stampede.Cluster;
using Stampede.Experiments;
using Stampede.Metrics;
using Stampede.Monitoring;
using Stampede.Monitoring.Target;

namespace Stampede.Load;

/// <summary>A distributed run: the coordinator's side (agents send the load, this run merges it) and the agent's controls.</summary>
public sealed partial class LoadTest
{
    /// <summary>The coordinator's copy of the open-model schedule: what the agents were asked for (its gaps are never drawn).</summary>
    private ArrivalSchedule? _fleetSchedule;

    private volatile bool _aborted;

    /// <summary>How long stopping users may finish their task: <see cref="LoadTestOptions.StopTimeout"/>, or nothing after <see cref="Abort"/>.</summary>
    private TimeSpan StopTimeout => _aborted ? TimeSpan.Zero : _options.StopTimeout;

    /// <summary>
    /// Stops the run now: users stop without finishing their tasks (no stop timeout), and the outputs are still complete.
    /// An agent that lost its coordinator does this: nothing may keep sending load unattended.
    /// </summary>
    internal void Abort()
    {
        _aborted = true;
        _stop.Cancel();
    }

    /// <summary>Agent: the whole schedule's rate from <paramref name="atSeconds"/> on (the coordinator's experiment moved on a step).</summary>
    internal void SetRate(double rate, double atSeconds) => _pool?.SetRate(rate, atSeconds);

    /// <summary>Agent: from <paramref name="fromSeconds"/> on this agent is <paramref name="index"/> of <paramref name="count"/> (agents were lost and the run re-planned).</summary>
    /// <exception cref="InvalidOperationException">The run is not an agent's.</exception>
    internal void Replan(int index, int count, double fromSeconds)
    {
        AgentHooks agent = _options.Agent ?? throw new InvalidOperationException("Only an agent's run has a share to re-plan.");
        agent.Partition.Replan(index, count, fromSeconds);
        _pool?.Replanned();
    }

    private async Task<RunResult> RunFleetAsync(IAgentFleet fleet, int seed, CancellationToken cancellationToken, CancellationToken stopToken)
    {
        var recorder = new MetricsRecorder();
        IGeneratorWatch health = fleet.PrepareRun(_options);
        health.WarningRaised += w => GeneratorWarningRaised?.Invoke(w);
        await using TargetMonitor? target = TargetMonitor.Create(_options, _time);
        if (target is not null)
        {
            target.WarningRaised += w => TargetWarningRaised?.Invoke(w);
        }

        _experiment = _options.FindCapacity is { } find ? new CapacitySearch(find, _options.Thresholds)
            : _options.Stress is { } stress ? new StressTest(stress)
            : null;
        if (_options.IsOpenModel)
        {
            _fleetSchedule = new ArrivalSchedule(_options.FindCapacity?.StartRate ?? _options.Stress?.StartRate ?? _options.Rate, _options.RateStages, ArrivalProcess.Constant, 1, new Random(seed));
        }

        MetricsAggregator.Prepare();
        long start;
        try
        {
            start = await fleet.StartAsync(new FleetStart(seed, _options), stopToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while the agents gathered: the run ends at once, empty.
            start = _time.GetTimestamp();
        }

        target?.Start(start);
        var aggregator = new MetricsAggregator(recorder, health, _time, start)
        {
            Goodput = _options.Goodput,
            HistorySecondsInMemory = (int)Math.Min(int.MaxValue, Math.Ceiling(_options.HistoryInMemory.TotalSeconds)),
            MergesIntervals = true,
        };
        using var pumpStop = new CancellationTokenSource();
        Task pump = PumpAsync(aggregator, health, target, null, fleet, start, pumpStop.Token);

        StopReason reason = await fleet.RunAsync(stopToken).ConfigureAwait(false);
        _stopsRequested = true;
        double seconds = await fleet.FinishAsync(_options.StopTimeout + TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        long end = start + (long)Math.Round(seconds * _time.TimestampFrequency);

        IReadOnlyList<ThresholdResult>? abortedBy = _abortedBy;
        reason = Explained(reason, abortedBy, cancellationToken);

        await pumpStop.CancelAsync().ConfigureAwait(false);
        await pump.ConfigureAwait(false);
        if (target is not null)
        {
            await target.StopAsync().ConfigureAwait(false);
        }

        fleet.Drain(aggregator);
        aggregator.MergeWatermark = long.MaxValue;
        Volatile.Write(ref _users, 0);
        aggregator.Users = 0;
        aggregator.Complete(end);
        StatsSnapshot final = aggregator.Snapshot(end, includeHistograms: true) with
        {
            Target = target?.Current ?? TargetSnapshot.Empty,
            Experiment = _experiment?.Progress(seconds),
        };
        final = WithFleet(final, fleet, aggregator) with { Users = 0, Warnings = _runWarnings };
        _latest = final;
        return Result(final, reason, abortedBy, seed);
    }

    /// <summary>A coordinator's snapshot with its agents: their users, their schedule's counters, the cluster, and the warnings they raised.</summary>
    private StatsSnapshot WithFleet(StatsSnapshot snapshot, IAgentFleet fleet, MetricsAggregator aggregator)
    {
        foreach (RunWarning warning in fleet.TakeWarnings())
        {
            if (warning.Kind == RunWarning.TargetUnreachable && !_options.KeepGoing)
            {
                _unreachable = warning.Message;
            }

            Warn(warning, aggregator);
        }

        return snapshot with
        {
            Users = fleet.Users,
            Cluster = fleet.Current,
            Arrivals = FleetArrivalsAt(fleet, snapshot.Elapsed.TotalSeconds),
            Warnings = _runWarnings,
        };
    }

    private ArrivalStats? FleetArrivalsAt(IAgentFleet fleet, double elapsedSeconds)
    {
        if (_fleetSchedule is not { } schedule || fleet.Arrivals is not { } counts)
        {
            return null;
        }

        double end = Math.Min(_options.RunTime?.TotalSeconds ?? double.PositiveInfinity, schedule.End);
        double expected = schedule.ExpectedCount(0, Math.Min(elapsedSeconds, end));
        return new ArrivalStats
        {
            TargetRate = schedule.RateAt(elapsedSeconds),
            ExpectedIterations = Math.Round(expected, 3),
            DueIterations = counts.Due,
            StartedIterations = counts.Started,
            DroppedIterations = counts.Dropped,
            AchievedRate = elapsedSeconds <= 0 ? 0 : counts.Started / elapsedSeconds,
            MeanTargetRate = elapsedSeconds <= 0 ? 0 : expected / elapsedSeconds,
            Users = counts.Users,
            BusyUsers = counts.Busy,
            MaxUsers = counts.MaxUsers,
        };
    }
}
