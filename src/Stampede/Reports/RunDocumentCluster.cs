using System.Text.Json;
using System.Text.Json.Serialization;
using Stampede.Cluster;

namespace Stampede.Reports;

/// <summary><c>cluster</c>: a distributed run's agents, as the coordinator saw them (docs/distributed.md); absent for a run on one machine.</summary>
internal sealed record RunDocumentCluster
{
    /// <summary>The run's id on the NATS server (<c>--run-id</c>).</summary>
    public required string RunId { get; init; }

    /// <summary>The NATS server, without credentials.</summary>
    public required string Server { get; init; }

    /// <summary>How the agents' numbers travelled: <c>nats-core request-reply</c>.</summary>
    public required string Transport { get; init; }

    /// <summary>Agents the run waited for (<c>--expect-agents</c>).</summary>
    public required int ExpectedAgents { get; init; }

    /// <summary><c>--allow-agent-loss</c>.</summary>
    public required bool AllowAgentLoss { get; init; }

    /// <summary><c>--replan-lost</c>.</summary>
    public required bool ReplanLost { get; init; }

    /// <summary>The largest clock offset between the coordinator and an agent, ms (absolute).</summary>
    public required double MaxClockOffsetMs { get; init; }

    /// <summary>The largest uncertainty of those offsets, ms: how far apart the agents' starts may have been.</summary>
    public required double StartSkewBoundMs { get; init; }

    /// <summary>Reports the coordinator merged.</summary>
    public required long ReportsMerged { get; init; }

    /// <summary>Bytes of reports received, resent ones included.</summary>
    public required long BytesReceived { get; init; }

    /// <summary>Milliseconds the coordinator spent merging, in all.</summary>
    public required double MergeMs { get; init; }

    /// <summary>The agents, by index.</summary>
    public required IReadOnlyList<RunDocumentAgent> Agents { get; init; }

    /// <summary>Agents refused (another scenario or version, a full or started run), one sentence each; absent when none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Refused { get; init; }

    /// <summary>The document form of <paramref name="cluster"/>; <see langword="null"/> for a run on one machine.</summary>
    public static RunDocumentCluster? From(ClusterStats? cluster) => cluster is null ? null : new RunDocumentCluster
    {
        RunId = cluster.RunId,
        Server = cluster.Server,
        Transport = cluster.Transport,
        ExpectedAgents = cluster.ExpectedAgents,
        AllowAgentLoss = cluster.AllowAgentLoss,
        ReplanLost = cluster.ReplanLost,
        MaxClockOffsetMs = cluster.MaxClockOffsetMs,
        StartSkewBoundMs = cluster.StartSkewBoundMs,
        ReportsMerged = cluster.ReportsMerged,
        BytesReceived = cluster.BytesReceived,
        MergeMs = cluster.MergeMs,
        Agents = [.. cluster.Agents.Select(RunDocumentAgent.From)],
        Refused = cluster.Refused.Count == 0 ? null : [.. cluster.Refused],
    };
}

/// <summary>One agent of <c>cluster.agents</c>.</summary>
internal sealed record RunDocumentAgent
{
    public required string Name { get; init; }

    public required string Host { get; init; }

    /// <summary>Its share's index (0-based).</summary>
    public required int Index { get; init; }

    /// <summary><c>finished</c>, <c>lost</c>, <c>running</c> or <c>ready</c>.</summary>
    public required string State { get; init; }

    /// <summary>Its share, in words: <c>34 of 100 users</c>, <c>1 in 3 arrivals</c>.</summary>
    public required string Share { get; init; }

    /// <summary>Requests it completed (merged).</summary>
    public required long Requests { get; init; }

    public required long Failures { get; init; }

    /// <summary>The last second it sent, 0-based; −1 before its first.</summary>
    public required long LastSecond { get; init; }

    /// <summary>Its clock minus the coordinator's, ms.</summary>
    public required double ClockOffsetMs { get; init; }

    /// <summary>That offset's uncertainty, ms.</summary>
    public required double ClockUncertaintyMs { get; init; }

    /// <summary>When it was lost, s into the run; absent unless lost.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LostAtSeconds { get; init; }

    /// <summary>Why it counts as lost; absent unless lost.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LostReason { get; init; }

    public required double PeakCpuPercent { get; init; }

    public required double AverageCpuPercent { get; init; }

    public required double TotalGcPauseMs { get; init; }

    /// <summary>Seconds its generator was bound.</summary>
    public required int BoundSeconds { get; init; }

    public required int ProcessorCount { get; init; }

    /// <summary>Its reports merged.</summary>
    public required long Reports { get; init; }

    /// <summary>Its reports that came again (no acknowledgement in time); never merged twice.</summary>
    public required long Resent { get; init; }

    /// <summary>Bytes of its reports received.</summary>
    public required long BytesReceived { get; init; }

    public static RunDocumentAgent From(AgentStats agent) => new()
    {
        Name = agent.Name,
        Host = agent.Host,
        Index = agent.Index,
        State = JsonNamingPolicy.CamelCase.ConvertName(agent.State.ToString()),
        Share = agent.Share,
        Requests = agent.Requests,
        Failures = agent.Failures,
        LastSecond = agent.LastSecond,
        ClockOffsetMs = agent.ClockOffsetMs,
        ClockUncertaintyMs = agent.ClockUncertaintyMs,
        LostAtSeconds = agent.LostAtSeconds,
        LostReason = agent.LostReason,
        PeakCpuPercent = agent.PeakCpuPercent,
        AverageCpuPercent = agent.AverageCpuPercent,
        TotalGcPauseMs = agent.TotalGcPauseMs,
        BoundSeconds = agent.BoundSeconds,
        ProcessorCount = agent.ProcessorCount,
        Reports = agent.Reports,
        Resent = agent.Resent,
        BytesReceived = agent.BytesReceived,
    };
}
