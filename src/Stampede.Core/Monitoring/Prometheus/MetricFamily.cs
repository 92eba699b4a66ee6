namespace Stampede.Monitoring.Prometheus;

/// <summary>One metric family of an exposition: its metadata and its samples, in the order they appeared.</summary>
/// <param name="Name">The family name: the name of the <c># TYPE</c> line, or of the sample for an undeclared one.</param>
/// <param name="Type">The declared type; <see cref="MetricType.Untyped"/> when no <c># TYPE</c> line names the family.</param>
/// <param name="Help">The <c># HELP</c> text, unescaped; <see langword="null"/> when there is none.</param>
/// <param name="Unit">The OpenMetrics <c># UNIT</c>, for example <c>seconds</c>; <see langword="null"/> when there is none.</param>
/// <param name="Samples">
/// The family's samples in exposition order: for a histogram its <c>_bucket</c>, <c>_sum</c>, <c>_count</c> (and
/// <c>_created</c>) samples, for an OpenMetrics counter its <c>_total</c> and <c>_created</c> samples. Empty when the
/// family was declared but exposed no series.
/// </param>
internal sealed record MetricFamily(string Name, MetricType Type, string? Help, string? Unit, IReadOnlyList<MetricSample> Samples);
