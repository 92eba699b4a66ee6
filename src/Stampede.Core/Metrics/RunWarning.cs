namespace Stampede.Metrics;

/// <summary>
/// A warning about the run itself, raised while it goes on, that its numbers alone would not show: a target that
/// nothing reaches, a scoped threshold whose row never appeared. Warnings about the generator are in
/// <see cref="Monitoring.GeneratorHealth.Warnings"/>, about target sources in <see cref="Monitoring.TargetSnapshot.Warnings"/>.
/// </summary>
/// <param name="At">Time since the run started.</param>
/// <param name="Kind">What it is about: <see cref="TargetUnreachable"/>, <see cref="SloRowMissing"/>, <see cref="FileLimit"/>, <see cref="HistoryInMemory"/> or <see cref="AgentLost"/>.</param>
/// <param name="Message">What happened, its likely cause and what to do.</param>
public sealed record RunWarning(TimeSpan At, string Kind, string Message)
{
    /// <summary>Every request of the run's first seconds failed without reaching a server, with one cause (nothing listening, an unknown host, a TLS failure).</summary>
    public const string TargetUnreachable = "targetUnreachable";

    /// <summary>A threshold scoped to a row (<c>"predict": p95&lt;300ms</c>) whose row had not appeared after 10 s.</summary>
    public const string SloRowMissing = "sloRowMissing";

    /// <summary>More users than sockets the process may open (each user owns a connection): the rest fail with "Too many open files".</summary>
    public const string FileLimit = "fileLimit";

    /// <summary>The per-second history could not move to disk (<see cref="Load.LoadTestOptions.HistoryInMemory"/>) and stays in memory, growing with the run.</summary>
    public const string HistoryInMemory = "historyInMemory";

    /// <summary>A distributed run's agent stopped reporting (killed, cut off): its share of the load went missing from then (docs/distributed.md).</summary>
    public const string AgentLost = "agentLost";
}
