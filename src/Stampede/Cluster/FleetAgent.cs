using Stampede.Load;
using Stampede.Monitoring;

namespace Stampede.Cluster;

/// <summary>
/// An agent as its coordinator knows it. The NATS handlers and the aggregator's thread both touch it, always under
/// the fleet's lock.
/// </summary>
internal sealed class FleetAgent(ClusterProtocol.JoinRequest join, long joinedAt)
{
    public string Name { get; } = join.Name;

    public string Host { get; } = join.Host;

    public int Cores { get; } = join.Cores;

    public long JoinedAt { get; } = joinedAt;

    public AgentState State { get; set; } = AgentState.Ready;

    public int Index { get; set; }

    /// <summary>Its index in the current plan: <see cref="Index"/>, until a re-plan renumbers the agents left.</summary>
    public int Rank { get; set; }

    public string Share { get; set; } = string.Empty;

    public double ClockOffsetMs { get; set; }

    public double ClockUncertaintyMs { get; set; }

    /// <summary>The highest report sequence taken in this run.</summary>
    public long Taken { get; set; }

    /// <summary>The last time (a timestamp) anything came from it.</summary>
    public long LastSeen { get; set; }

    public long LastSecond { get; set; } = -1;

    public int Users { get; set; }

    public long Requests { get; set; }

    public long Failures { get; set; }

    public FleetArrivals? Arrivals { get; set; }

    public double ElapsedSeconds { get; set; }

    /// <summary>Its last report came (the handler saw it); <see cref="State"/> turns <see cref="AgentState.Finished"/> once it is merged.</summary>
    public bool FinalReceived { get; set; }

    public StopReason? StopReason { get; set; }

    public double? LostAtSeconds { get; set; }

    public string? LostReason { get; set; }

    public long Reports { get; set; }

    public long Resent { get; set; }

    public long BytesReceived { get; set; }

    public GeneratorHealth Health { get; set; } = new();

    /// <summary>Back to <see cref="AgentState.Ready"/> for another run (a dashboard's next start).</summary>
    public void Reset()
    {
        State = AgentState.Ready;
        Taken = 0;
        LastSecond = -1;
        Users = 0;
        Requests = 0;
        Failures = 0;
        Arrivals = null;
        ElapsedSeconds = 0;
        FinalReceived = false;
        StopReason = null;
        LostAtSeconds = null;
        LostReason = null;
        Reports = 0;
        Resent = 0;
        BytesReceived = 0;
        Health = new GeneratorHealth();
    }

    public AgentStats ToStats() => new()
    {
        Name = Name,
        Host = Host,
        Index = Index,
        State = State,
        Share = Share,
        Users = State is AgentState.Running ? Users : 0,
        Requests = Requests,
        Failures = Failures,
        LastSecond = LastSecond,
        ClockOffsetMs = Math.Round(ClockOffsetMs, 3),
        ClockUncertaintyMs = Math.Round(ClockUncertaintyMs, 3),
        LostAtSeconds = LostAtSeconds is { } at ? Math.Round(at, 3) : null,
        LostReason = LostReason,
        PeakCpuPercent = Health.PeakCpuPercent,
        AverageCpuPercent = Health.AverageCpuPercent,
        TotalGcPauseMs = Health.TotalGcPauseMs,
        BoundSeconds = Health.BoundSeconds,
        ProcessorCount = Health.ProcessorCount == 0 ? Cores : Health.ProcessorCount,
        Reports = Reports,
        Resent = Resent,
        BytesReceived = BytesReceived,
    };
}
