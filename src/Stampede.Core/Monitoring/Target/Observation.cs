using Stampede.Monitoring.Prometheus;

namespace Stampede.Monitoring.Target;

/// <summary>One value of one recognised series, read at one scrape.</summary>
/// <param name="Name">The series' name (the metric, or a derived name).</param>
/// <param name="Labels">The labels that tell it apart.</param>
/// <param name="Kind"><c>gauge</c>, <c>rate</c>, <c>p95</c> or <c>derived</c>.</param>
/// <param name="Resource">The resource it measures; <see langword="null"/> for evidence only.</param>
/// <param name="Unit">The unit of <paramref name="Value"/> and <paramref name="Capacity"/>.</param>
/// <param name="Description">What it is, in a few words.</param>
/// <param name="Value">The value.</param>
/// <param name="Capacity">Its capacity now, when known.</param>
/// <param name="CapacitySource">Where the capacity came from.</param>
/// <param name="CapacityVaries">Whether the capacity comes from a live series and may change (kept per second).</param>
internal readonly record struct Observation(
    string Name,
    LabelSet Labels,
    string Kind,
    TargetResource? Resource,
    string Unit,
    string Description,
    double Value,
    double? Capacity = null,
    string? CapacitySource = null,
    bool CapacityVaries = false);
