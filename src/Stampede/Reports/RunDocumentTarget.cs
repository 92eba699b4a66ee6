using System.Text.Json.Serialization;

namespace Stampede.Reports;

/// <summary>The system under test as watched: its sources and recognised series, one value per history second.</summary>
internal sealed record RunDocumentTarget
{
    /// <summary>How often sources were read, seconds (<c>--metrics-interval</c>).</summary>
    public required double IntervalSeconds { get; init; }

    /// <summary>Every source, in the order given.</summary>
    public required IReadOnlyList<RunDocumentTargetSource> Sources { get; init; }

    /// <summary>The recognised or mapped series.</summary>
    public required IReadOnlyList<RunDocumentTargetSeries> Series { get; init; }

    /// <summary>Warnings about sources and series, oldest first.</summary>
    public required IReadOnlyList<RunDocumentTargetWarning> Warnings { get; init; }
}

/// <summary>One source (see <see cref="Monitoring.TargetSourceStats"/>).</summary>
internal sealed record RunDocumentTargetSource
{
    /// <summary>The source's name.</summary>
    public required string Name { get; init; }

    /// <summary>The URL, or <c>/proc/PID</c>.</summary>
    public required string Url { get; init; }

    /// <summary><c>prometheus</c> or <c>process</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Scrapes attempted.</summary>
    public required long Scrapes { get; init; }

    /// <summary>Scrapes that failed.</summary>
    public required long Failures { get; init; }

    /// <summary>Of the failures, those that timed out.</summary>
    public required long Timeouts { get; init; }

    /// <summary>Why the last failed scrape failed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LastError { get; init; }

    /// <summary>Samples in the last successful scrape.</summary>
    public required int SamplesSeen { get; init; }

    /// <summary>Mean time of a successful scrape, ms.</summary>
    public required double MeanScrapeMs { get; init; }
}

/// <summary>One series (see <see cref="Monitoring.TargetSeries"/>).</summary>
internal sealed record RunDocumentTargetSeries
{
    /// <summary>The source it came from.</summary>
    public required string Source { get; init; }

    /// <summary>The metric, or a derived name.</summary>
    public required string Name { get; init; }

    /// <summary>The labels that tell it apart.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>The resource it measures (<c>cpu</c>, <c>queue</c>, …); null for evidence only.</summary>
    public string? Resource { get; init; }

    /// <summary>The unit of its values.</summary>
    public required string Unit { get; init; }

    /// <summary><c>gauge</c>, <c>rate</c>, <c>p50</c>/<c>p95</c>/<c>p99</c> or <c>derived</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>What it is, in a few words.</summary>
    public required string Description { get; init; }

    /// <summary>Its capacity in its unit; null when unknown.</summary>
    public double? Capacity { get; init; }

    /// <summary>Where the capacity came from.</summary>
    public string? CapacitySource { get; init; }

    /// <summary>One value per history second (index = <c>history[].second</c>); null where none was read.</summary>
    public required IReadOnlyList<double?> Values { get; init; }

    /// <summary>Capacity per second when it changes over the run; absent when fixed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double?>? Capacities { get; init; }
}

/// <summary>A warning about a source or series.</summary>
internal sealed record RunDocumentTargetWarning
{
    /// <summary>Seconds since the run started.</summary>
    public required double AtSeconds { get; init; }

    /// <summary>The source's name.</summary>
    public required string Source { get; init; }

    /// <summary>What happened.</summary>
    public required string Message { get; init; }
}
