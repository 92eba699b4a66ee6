using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Cluster;

/// <summary>
/// The agents of a distributed run as its coordinator drives them (<see cref="LoadTestOptions.Fleet"/>): the
/// coordinator's <see cref="LoadTest"/> sends no load of its own; it starts the agents on one clock, merges what they
/// report into its statistics, passes on the changes a run makes (users, rate) and stops them.
/// </summary>
/// <remarks>The transport (NATS) lives outside the engine; a test can drive agents in the same process.</remarks>
internal interface IAgentFleet
{
    /// <summary>
    /// Before a run: forgets the last run's reports and warnings and returns the new run's health, judged from the agents'
    /// reports (the run's aggregator judges its seconds with it).
    /// </summary>
    IGeneratorWatch PrepareRun(LoadTestOptions options);

    /// <summary>Users the agents run now (their latest reports).</summary>
    int Users { get; }

    /// <summary>The agents as they stand, for the snapshots.</summary>
    ClusterStats Current { get; }

    /// <summary>Open model: the agents' schedule counters summed; <see langword="null"/> in the closed model.</summary>
    FleetArrivals? Arrivals { get; }

    /// <summary>Warnings the agents raised about the run (an unreachable target), not yet taken.</summary>
    IReadOnlyList<RunWarning> TakeWarnings();

    /// <summary>
    /// Before the run's clock: waits for the agents, gives each its share and agrees a start time with them.
    /// </summary>
    /// <returns>The start of the run as a timestamp of this process's clock (the run's time axis is the coordinator's).</returns>
    /// <exception cref="OperationCanceledException">Stopped before the start.</exception>
    Task<long> StartAsync(FleetStart start, CancellationToken cancellationToken);

    /// <summary>On the aggregator's thread: merges what the agents reported since the last call and moves the watermark.</summary>
    void Drain(MetricsAggregator aggregator);

    /// <summary>Waits until every agent in the run has finished (its run time, its shape, all its users stopped) or <paramref name="stop"/> fires.</summary>
    /// <returns>Why the agents ended; <see cref="StopReason.Interrupted"/> when <paramref name="stop"/> ended the wait.</returns>
    Task<StopReason> RunAsync(CancellationToken stop);

    /// <summary>Tells every agent to stop (users stop as at the end of the run time) and waits for their last reports, or for <paramref name="timeout"/>.</summary>
    /// <returns>The run's length, s: the longest an agent ran.</returns>
    Task<double> FinishAsync(TimeSpan timeout);

    /// <summary>Closed model: every agent's share of <paramref name="users"/> at <paramref name="spawnRate"/>, from its next second.</summary>
    void SetUsers(int users, double spawnRate);

    /// <summary>Open model (an experiment's step): the whole schedule's rate from <paramref name="atSeconds"/> on, on every agent.</summary>
    void SetRate(double rate, double atSeconds);
}

/// <summary>What the agents need to start.</summary>
/// <param name="Seed">The run's seed: every agent draws the same open-model schedule from it, and each user its own seed from it and its global index.</param>
/// <param name="Options">The coordinator's options.</param>
internal sealed record FleetStart(int Seed, LoadTestOptions Options);

/// <summary>The agents' open-model counters, summed.</summary>
internal sealed record FleetArrivals(long Due, long Started, long Dropped, int Users, int Busy, int MaxUsers);
