namespace Stampede.Analysis;

/// <summary>A metric a baseline comparison checks per row.</summary>
internal enum BaselineMetric
{
    /// <summary>Median response time, ms; higher is worse.</summary>
    P50,

    /// <summary>95th percentile response time, ms; higher is worse.</summary>
    P95,

    /// <summary>99th percentile response time, ms; higher is worse.</summary>
    P99,

    /// <summary>Requests per second; lower is worse.</summary>
    RequestsPerSecond,

    /// <summary>Failures divided by requests; higher is worse.</summary>
    ErrorRate,
}
