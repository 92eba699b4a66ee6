namespace Stampede.Demo.Telemetry;

/// <summary>A consistent copy of a <see cref="Histogram"/>: per-bucket (not cumulative) counts, the last one for +Inf.</summary>
internal readonly record struct HistogramSnapshot(IReadOnlyList<double> UpperBounds, long[] Counts, double Sum, long Count);
