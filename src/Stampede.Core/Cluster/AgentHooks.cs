using Stampede.Load;
using Stampede.Metrics;

namespace Stampede.Cluster;

/// <summary>
/// What makes a <see cref="LoadTest"/> an agent of a distributed run (<see cref="LoadTestOptions.Agent"/>): its share
/// of the load, a start on the coordinator's clock, and each closed second handed out whole for the coordinator.
/// </summary>
internal sealed class AgentHooks
{
    /// <summary>This agent's share.</summary>
    public required LoadPartition Partition { get; init; }

    /// <summary>
    /// Called once the users are ready (the open model's pre-allocated users started), before the clock: waits for the
    /// start the coordinator set and returns it as a timestamp of this process's clock.
    /// </summary>
    public required Func<CancellationToken, Task<long>> WaitForStartAsync { get; init; }

    /// <summary>
    /// Called on the metrics thread after each second closes, and once at the end (<see cref="AgentSecond.Final"/>):
    /// what to send the coordinator. Keep it short: hand it to another thread.
    /// </summary>
    public required Action<AgentSecond> Report { get; init; }
}

/// <summary>What an agent's run hands out once a second.</summary>
/// <param name="Export">The seconds closed and user errors raised since the last time.</param>
/// <param name="Snapshot">The agent's statistics now (its users, its generator, its warnings).</param>
/// <param name="Arrivals">Open model: its schedule's counters so far; <see langword="null"/> in the closed model.</param>
/// <param name="Final">Whether the run ended: nothing follows.</param>
/// <param name="StopReason">Why it ended, when <paramref name="Final"/>.</param>
internal sealed record AgentSecond(AggregatorExport Export, StatsSnapshot Snapshot, ArrivalStats? Arrivals, bool Final, StopReason? StopReason = null);
