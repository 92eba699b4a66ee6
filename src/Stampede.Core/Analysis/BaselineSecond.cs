namespace Stampede.Analysis;

/// <summary>One second of one row in a <see cref="Baseline"/>: what the statistical check ranks.</summary>
internal sealed record BaselineSecond
{
    /// <summary>Index of the second since the start (0 = the first).</summary>
    public required long Second { get; init; }

    /// <summary>Length of the interval, seconds: 1, except for the last one of a run.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>Requests completed in the second.</summary>
    public required long Requests { get; init; }

    /// <summary>Of which failed.</summary>
    public required long Failures { get; init; }

    /// <summary>Median response time in the second, ms; 0 without requests.</summary>
    public required double P50Ms { get; init; }

    /// <summary>95th percentile in the second, ms.</summary>
    public required double P95Ms { get; init; }

    /// <summary>99th percentile in the second, ms.</summary>
    public required double P99Ms { get; init; }
}
