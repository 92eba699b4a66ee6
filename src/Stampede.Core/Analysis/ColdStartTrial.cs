using Stampede.Metrics;

namespace Stampede.Analysis;

/// <summary>One measured cold start of the target: spawn → ready, then its first requests.</summary>
public sealed record ColdStartTrial
{
    /// <summary>Seconds from the spawn of the target's command to the first 2xx answer of its ready URL.</summary>
    /// <remarks>Polled every 20 ms, so it may read up to one poll interval (plus one probe's round trip) late.</remarks>
    public required double ReadySeconds { get; init; }

    /// <summary>The requests the first-request probe sent once the target was ready, in the order they were sent.</summary>
    /// <value>Empty when the probe sent none (a scenario whose tasks send nothing, or a probe that was cancelled).</value>
    public IReadOnlyList<FirstRequestSample> FirstRequests { get; init; } = [];

    /// <summary>The started process's id (the leader of its process group); <see langword="null"/> when unknown.</summary>
    public int? ProcessId { get; init; }

    /// <summary>The command that was started, for the report; <see langword="null"/> when not given.</summary>
    public string? Command { get; init; }

    /// <summary>The URL that had to answer 2xx, for the report; <see langword="null"/> when not given.</summary>
    public string? ReadyUrl { get; init; }
}
