namespace Stampede.Analysis;

/// <summary>What a threshold measures.</summary>
internal enum ThresholdMetric
{
    /// <summary>A response-time percentile (<c>p95</c>, <c>p99.9</c>), ms.</summary>
    Percentile,

    /// <summary>Median response time (<c>med</c>), ms.</summary>
    Median,

    /// <summary>Mean response time (<c>avg</c>), ms.</summary>
    Average,

    /// <summary>Fastest response time (<c>min</c>), ms.</summary>
    Min,

    /// <summary>Slowest response time (<c>max</c>), ms.</summary>
    Max,

    /// <summary>Failures divided by requests (<c>error_rate</c>), 0 to 1.</summary>
    ErrorRate,

    /// <summary>Requests per second over the run so far (<c>rps</c>).</summary>
    RequestsPerSecond,

    /// <summary>Requests completed (<c>requests</c>).</summary>
    Requests,

    /// <summary>Requests failed (<c>failures</c>).</summary>
    Failures,
}
