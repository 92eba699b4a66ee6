namespace Stampede.Metrics;

/// <summary>
/// One request sent right after the target became ready, as <see cref="Load.LoadTest.RunFirstRequestsAsync"/>
/// measured it: the raw sample, kept because a cold start's first request is a single measurement, not a distribution.
/// </summary>
public sealed record FirstRequestSample
{
    /// <summary>The row it belongs to (method and name, as the run's statistics group it).</summary>
    public required RowKey Row { get; init; }

    /// <summary>Response time, ms, measured as every row measures it: from the send (the intended start, which in the probe is the send) to the last byte.</summary>
    public required double LatencyMs { get; init; }

    /// <summary>Time to first byte (response headers received), ms.</summary>
    public double TimeToFirstByteMs { get; init; }

    /// <summary>When it was sent, ms after the probe began (the probe begins as soon as the target answers its ready URL).</summary>
    public double SentAfterReadyMs { get; init; }

    /// <summary>Whether it failed (transport error, non-2xx, failed check).</summary>
    public bool Failed { get; init; }

    /// <summary>The HTTP status code, or 0 when no response arrived.</summary>
    public int StatusCode { get; init; }
}
