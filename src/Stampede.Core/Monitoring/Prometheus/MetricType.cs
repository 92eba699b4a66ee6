namespace Stampede.Monitoring.Prometheus;

/// <summary>The type a <c># TYPE</c> line declares for a metric family (Prometheus text 0.0.4 and OpenMetrics 1.0).</summary>
internal enum MetricType
{
    /// <summary>No <c># TYPE</c> line, or <c>untyped</c> (0.0.4) / <c>unknown</c> (OpenMetrics).</summary>
    Untyped,

    /// <summary>A monotonically increasing total: samples <c>name_total</c> and <c>name_created</c> (OpenMetrics), or the family named <c>name_total</c> itself (0.0.4).</summary>
    Counter,

    /// <summary>A value that can go up and down: one sample per series, named as the family.</summary>
    Gauge,

    /// <summary>Cumulative buckets <c>name_bucket{le=…}</c> with <c>name_sum</c>, <c>name_count</c> and, in OpenMetrics, <c>name_created</c>.</summary>
    Histogram,

    /// <summary>Quantiles <c>name{quantile=…}</c> with <c>name_sum</c>, <c>name_count</c> and <c>name_created</c>.</summary>
    Summary,

    /// <summary>An OpenMetrics histogram of a current state: <c>name_bucket</c>, <c>name_gsum</c>, <c>name_gcount</c>.</summary>
    GaugeHistogram,

    /// <summary>An OpenMetrics info metric: samples <c>name_info</c> with value 1 and the information in labels.</summary>
    Info,

    /// <summary>An OpenMetrics set of boolean states: samples named as the family, one label naming the state.</summary>
    StateSet,
}
