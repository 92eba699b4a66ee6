namespace Stampede.Analysis;

/// <summary>What a drift series measures (<see cref="DriftSeries.Metric"/>).</summary>
public enum DriftMetric
{
    /// <summary>A row's per-second p95 response time, ms.</summary>
    Latency,

    /// <summary>Requests completed per second (all of them, failed ones included), requests/s.</summary>
    Throughput,

    /// <summary>A watched memory series of the target (<see cref="Monitoring.TargetResource.Memory"/>), in its unit (bytes).</summary>
    Memory,
}
