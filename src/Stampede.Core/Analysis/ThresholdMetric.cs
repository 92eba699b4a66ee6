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

    /// <summary>A time-to-first-token percentile of the row's LLM streams (<c>ttft_p95</c>), ms.</summary>
    Ttft,

    /// <summary>An inter-token-latency percentile (<c>itl_p99</c>), ms.</summary>
    Itl,

    /// <summary>A time-per-output-token percentile (<c>tpot_p99</c>), ms.</summary>
    Tpot,

    /// <summary>An end-to-end latency percentile of the LLM streams (<c>e2e_p95</c>), ms.</summary>
    E2e,

    /// <summary>Output tokens per second (<c>output_tps</c>).</summary>
    OutputTokensPerSecond,
}
