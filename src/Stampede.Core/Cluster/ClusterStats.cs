namespace Stampede.Cluster;

/// <summary>
/// A distributed run as its coordinator saw it: the agents that sent the load, each one's share, clock, health and
/// what it sent. <see langword="null"/> in <see cref="Metrics.StatsSnapshot.Cluster"/> for a run on one machine.
/// </summary>
public sealed record ClusterStats
{
    /// <summary>The run's id on the message bus (<c>--run-id</c>): runs that share one NATS server are kept apart by it.</summary>
    public required string RunId { get; init; }

    /// <summary>The NATS server the coordinator and agents met on, with any credentials left out.</summary>
    public required string Server { get; init; }

    /// <summary>How the agents' numbers travelled: <c>nats-core request-reply</c>, each report acknowledged and resent until it is.</summary>
    public string Transport { get; init; } = "nats-core request-reply";

    /// <summary>Agents the run waited for (<c>--expect-agents</c>).</summary>
    public int ExpectedAgents { get; init; }

    /// <summary>Whether a lost agent leaves the run VALID (<c>--allow-agent-loss</c>).</summary>
    public bool AllowAgentLoss { get; init; }

    /// <summary>Whether a lost agent's share is handed to the others (<c>--replan-lost</c>).</summary>
    public bool ReplanLost { get; init; }

    /// <summary>The agents, in the order of their shares (index 0 first).</summary>
    public IReadOnlyList<AgentStats> Agents { get; init; } = [];

    /// <summary>Agents that asked to join and were refused (a different scenario or version, a full or started run), one sentence each.</summary>
    public IReadOnlyList<string> Refused { get; init; } = [];

    /// <summary>The largest clock offset measured between the coordinator and an agent, ms (absolute): every agent started at the coordinator's start corrected by it.</summary>
    public double MaxClockOffsetMs { get; init; }

    /// <summary>The largest uncertainty of those offsets (half the round trip of the best ping), ms: how far apart the agents' starts may be.</summary>
    public double StartSkewBoundMs { get; init; }

    /// <summary>Reports (one second of one agent, or its end) the coordinator merged.</summary>
    public long ReportsMerged { get; init; }

    /// <summary>Bytes of reports the coordinator received, resent ones included.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Time the coordinator spent merging reports, ms in all: the cost that bounds how many agents one coordinator serves.</summary>
    public double MergeMs { get; init; }

    /// <summary>The agents lost during the run.</summary>
    public IEnumerable<AgentStats> Lost => Agents.Where(a => a.State == AgentState.Lost);
}

/// <summary>One agent of a distributed run.</summary>
public sealed record AgentStats
{
    /// <summary>Its name (<c>--agent-name</c>, else host and process id).</summary>
    public required string Name { get; init; }

    /// <summary>The machine it runs on.</summary>
    public required string Host { get; init; }

    /// <summary>Its share's index, 0-based: in the closed model it runs the users whose global index modulo the agent count is this; in the open model, those arrivals.</summary>
    public int Index { get; init; }

    /// <summary>Where it stands.</summary>
    public AgentState State { get; init; }

    /// <summary>Its share of the load, in words: <c>34 of 100 users</c>, <c>1 in 3 arrivals</c>.</summary>
    public string Share { get; init; } = string.Empty;

    /// <summary>Users it runs now (its last report).</summary>
    public int Users { get; init; }

    /// <summary>Requests it completed, as merged so far.</summary>
    public long Requests { get; init; }

    /// <summary>Of which failed.</summary>
    public long Failures { get; init; }

    /// <summary>The last second of the run it sent, 0-based; −1 before its first.</summary>
    public long LastSecond { get; init; } = -1;

    /// <summary>Its clock minus the coordinator's, ms, measured before the start (NTP's way: the best of several pings).</summary>
    public double ClockOffsetMs { get; init; }

    /// <summary>The offset's uncertainty: half the round trip of that ping, ms.</summary>
    public double ClockUncertaintyMs { get; init; }

    /// <summary>When it was lost, seconds into the run; <see langword="null"/> unless <see cref="State"/> is <see cref="AgentState.Lost"/>.</summary>
    public double? LostAtSeconds { get; init; }

    /// <summary>Why it counts as lost: <c>no report for 10 s</c>.</summary>
    public string? LostReason { get; init; }

    /// <summary>Its generator's highest CPU, percent of its cores.</summary>
    public double PeakCpuPercent { get; init; }

    /// <summary>Its generator's mean CPU, percent of its cores.</summary>
    public double AverageCpuPercent { get; init; }

    /// <summary>Time the garbage collector paused it, ms in all.</summary>
    public double TotalGcPauseMs { get; init; }

    /// <summary>Seconds its generator was bound (CPU, GC pauses or a late schedule).</summary>
    public int BoundSeconds { get; init; }

    /// <summary>Its cores.</summary>
    public int ProcessorCount { get; init; }

    /// <summary>Reports it sent that were merged.</summary>
    public long Reports { get; init; }

    /// <summary>Reports it sent again because no acknowledgement came in time (a duplicate is acknowledged, never merged twice).</summary>
    public long Resent { get; init; }

    /// <summary>Bytes of its reports the coordinator received.</summary>
    public long BytesReceived { get; init; }
}

/// <summary>Where an agent of a distributed run stands.</summary>
public enum AgentState
{
    /// <summary>Connected and waiting for the start.</summary>
    Ready,

    /// <summary>Sending load.</summary>
    Running,

    /// <summary>Its users stopped and its last report arrived.</summary>
    Finished,

    /// <summary>Its reports stopped coming (killed, cut off): what it had sent is kept, the rest of its share is missing.</summary>
    Lost,
}
