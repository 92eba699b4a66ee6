namespace Stampede.Monitoring.Prometheus;

/// <summary>One sample line of an exposition: a series and its value at scrape time.</summary>
/// <param name="Name">The sample's metric name as written, for example <c>node_cpu_seconds_total</c> or <c>http_latency_seconds_bucket</c>.</param>
/// <param name="Labels">The series' labels, sorted by name.</param>
/// <param name="Value">The value, in the metric's own unit; may be <see cref="double.NaN"/> or infinite. The timestamp, if any, is not kept.</param>
internal readonly record struct MetricSample(string Name, LabelSet Labels, double Value);
