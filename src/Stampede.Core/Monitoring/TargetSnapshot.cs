namespace Stampede.Monitoring;

/// <summary>
/// What was watched on the system under test during the run: the sources scraped (Prometheus endpoints,
/// local processes) and the recognised series, one value per second of the run.
/// </summary>
public sealed record TargetSnapshot
{
    /// <summary>An empty snapshot: nothing watched.</summary>
    public static TargetSnapshot Empty { get; } = new();

    /// <summary>How often sources are read, seconds.</summary>
    public double IntervalSeconds { get; init; } = 1;

    /// <summary>Every source, in the order given.</summary>
    public IReadOnlyList<TargetSourceStats> Sources { get; init; } = [];

    /// <summary>The series recognised (built-in) or mapped (<c>--watch</c>), in the order first seen.</summary>
    public IReadOnlyList<TargetSeries> Series { get; init; } = [];

    /// <summary>Warnings about sources and series (a failing scrape, a malformed line, a counter reset), oldest first.</summary>
    public IReadOnlyList<TargetWarning> Warnings { get; init; } = [];

    /// <summary>Whether anything is watched.</summary>
    public bool IsWatching => Sources.Count > 0;
}

/// <summary>One source of target metrics and how its scrapes went.</summary>
public sealed record TargetSourceStats
{
    /// <summary>The source's name: <c>--metrics-url NAME=…</c>, the URL's host and port, or <c>pid 1234</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What is read: the metrics URL, or <c>/proc/1234</c>.</summary>
    public required string Address { get; init; }

    /// <summary><c>prometheus</c> or <c>process</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Scrapes attempted.</summary>
    public long Scrapes { get; init; }

    /// <summary>Scrapes that failed (refused, timed out, a non-2xx status, a body that was not metrics, too large).</summary>
    public long Failures { get; init; }

    /// <summary>Of <see cref="Failures"/>, those that timed out.</summary>
    public long Timeouts { get; init; }

    /// <summary>Why the last failed scrape failed; <see langword="null"/> when none failed.</summary>
    public string? LastError { get; init; }

    /// <summary>Samples in the last successful scrape.</summary>
    public int SamplesSeen { get; init; }

    /// <summary>Mean time of a successful scrape, from request to parsed samples, ms.</summary>
    public double MeanScrapeMs { get; init; }

    /// <summary>Whether the last scrape succeeded.</summary>
    public bool Up { get; init; }
}

/// <summary>
/// One recognised series of the target, one value per second of the run: a gauge as read, a counter as
/// its per-second rate, a histogram as one of its quantiles over each scrape interval, or a value derived
/// from several series (node_exporter's CPU busy cores).
/// </summary>
public sealed record TargetSeries
{
    /// <summary>The source it came from (<see cref="TargetSourceStats.Name"/>).</summary>
    public required string Source { get; init; }

    /// <summary>Its name: the metric as exposed (<c>stampede_demo_queue_length</c>), or a derived name (<c>node_cpu_busy_cores</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Labels that tell it apart from the other series of the same name (a GPU, a device, a model).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The resource it measures; <see langword="null"/> for a series kept as evidence only.</summary>
    public TargetResource? Resource { get; init; }

    /// <summary>The unit of its values: <c>cores</c>, <c>bytes</c>, <c>percent</c>, <c>bytes/s</c>, <c>requests</c>, <c>ms</c>, <c>workers</c>, <c>replicas</c>, <c>watts</c>, <c>1/s</c>.</summary>
    public required string Unit { get; init; }

    /// <summary>How a value was read: <c>gauge</c>, <c>rate</c> (a counter per second), <c>p50</c>/<c>p95</c>/<c>p99</c> (a histogram or summary), <c>derived</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>What it is, in a few words, e.g. "CPU used by the process".</summary>
    public required string Description { get; init; }

    /// <summary>Its capacity in <see cref="Unit"/> (cores of the host, the queue's size, 100%); <see langword="null"/> when unknown.</summary>
    public double? Capacity { get; init; }

    /// <summary>Where <see cref="Capacity"/> came from, e.g. "2 cores of this machine" or "stampede_demo_queue_capacity".</summary>
    public string? CapacitySource { get; init; }

    /// <summary>
    /// Values by second of the run (index 0 = the first second, aligned with the history's <c>second</c>):
    /// the value read at that second's end, <see langword="null"/> where no scrape (or no rate) fell.
    /// </summary>
    public required IReadOnlyList<double?> Values { get; init; }

    /// <summary>Capacity per second when it changes over the run (the demo's ready workers); <see langword="null"/> when fixed.</summary>
    public IReadOnlyList<double?>? Capacities { get; init; }

    /// <summary>The capacity that applies in <paramref name="second"/>.</summary>
    public double? CapacityAt(int second) => Capacities is { } c && second >= 0 && second < c.Count && c[second] is { } value ? value : Capacity;

    /// <summary>The series' name with its labels, as Prometheus writes it.</summary>
    public string DisplayName => Labels.Count == 0 ? Name
        : Name + "{" + string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
}

/// <summary>A warning about a target source or series.</summary>
/// <param name="At">Time since the run started.</param>
/// <param name="Source">The source's name.</param>
/// <param name="Message">What happened, naming the source (and line, for a malformed exposition).</param>
public sealed record TargetWarning(TimeSpan At, string Source, string Message);
