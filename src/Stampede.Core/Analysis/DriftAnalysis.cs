namespace Stampede.Analysis;

/// <summary>
/// Whether a run's latency, throughput and watched memory drifted over time (a soak's question): one
/// <see cref="DriftSeries"/> per row's p95, for throughput and per memory series, judged after the warm-up
/// (docs/soak.md). Made for every run with at least <see cref="DriftAnalyzer.MinIntervals"/> one-second intervals
/// after the warm-up.
/// </summary>
public sealed record DriftAnalysis
{
    /// <summary>The trend test: <c>theil-sen</c> (Theil–Sen slope, 95% interval by Sen's method, Mann–Kendall p-value).</summary>
    public string Method { get; init; } = "theil-sen";

    /// <summary>The confidence of the slope's interval: 0.95.</summary>
    public double Confidence { get; init; } = DriftAnalyzer.Confidence;

    /// <summary>Whether <c>--soak</c> was given (<see cref="Load.LoadTestOptions.Soak"/>): a rising latency or memory series then fails the run's checks.</summary>
    public required bool Soak { get; init; }

    /// <summary>The seconds left out at the start of the run as warm-up.</summary>
    public required int WarmupSeconds { get; init; }

    /// <summary>The one-second intervals judged, after the warm-up.</summary>
    public required int Intervals { get; init; }

    /// <summary>The judged window's start, seconds since the run started.</summary>
    public required double FromSecond { get; init; }

    /// <summary>The judged window's end, seconds since the run started.</summary>
    public required double ToSecond { get; init; }

    /// <summary>Every series judged: the aggregated p95 first, then each row's, throughput, then each memory series.</summary>
    public required IReadOnlyList<DriftSeries> Series { get; init; }

    /// <summary>The series that fail the run's checks: rising latency or memory under <c>--soak</c>; empty without it.</summary>
    public IReadOnlyList<DriftSeries> Failures => [.. Series.Where(s => s.FailsSoak)];

    /// <summary>Whether the soak passed: no rising latency or memory under <c>--soak</c> (always true without it).</summary>
    public bool Passed => !Series.Any(s => s.FailsSoak);

    /// <summary>A direction as the outputs write it: <c>rising</c>, <c>falling</c> or <c>stable</c>.</summary>
    public static string Name(DriftDirection direction) => direction switch
    {
        DriftDirection.Rising => "rising",
        DriftDirection.Falling => "falling",
        _ => "stable",
    };

    /// <summary>A metric as the outputs write it: <c>latency</c>, <c>throughput</c> or <c>memory</c>.</summary>
    public static string Name(DriftMetric metric) => metric switch
    {
        DriftMetric.Latency => "latency",
        DriftMetric.Throughput => "throughput",
        _ => "memory",
    };
}
