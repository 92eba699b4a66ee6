namespace Stampede.Analysis;

/// <summary>
/// Requests of every row that completed in a span of the run's one-second history (the warm-up, or the steady part
/// after it), with their percentiles from the exact merge of those seconds' histograms.
/// </summary>
public sealed record ColdStartWindow
{
    /// <summary>The first history second of the span (0-based, as <see cref="Metrics.IntervalStats.Second"/>).</summary>
    public required long FromSecond { get; init; }

    /// <summary>The history second after the span's last (exclusive end); equals <see cref="FromSecond"/> for an empty span.</summary>
    public required long ToSecond { get; init; }

    /// <summary>Requests completed in the span.</summary>
    public required long Requests { get; init; }

    /// <summary>Requests that failed in the span.</summary>
    public required long Failures { get; init; }

    /// <summary>Median response time over the span, ms; <see langword="null"/> without requests.</summary>
    public double? P50Ms { get; init; }

    /// <summary>95th percentile response time over the span, ms; <see langword="null"/> without requests.</summary>
    public double? P95Ms { get; init; }
}
