namespace Stampede.Analysis;

/// <summary>
/// The trend of one per-second series over the judged part of a run (after the warm-up): its Theil–Sen slope with
/// the 95% interval by Sen's method, the Mann–Kendall p-value, the change over the run and the verdict
/// (docs/soak.md).
/// </summary>
public sealed record DriftSeries
{
    /// <summary>What the series measures.</summary>
    public required DriftMetric Metric { get; init; }

    /// <summary>
    /// The series: <c>p95</c> (a row's per-second p95 response time), <c>rps</c> (requests completed per second), or a
    /// watched memory series' name with its labels (<c>process_resident_memory_bytes</c>).
    /// </summary>
    public required string Series { get; init; }

    /// <summary>The row of a latency or throughput series (<c>POST predict small</c>, <c>Aggregated</c>); <see langword="null"/> for a memory series.</summary>
    public string? Row { get; init; }

    /// <summary>The source of a memory series (<c>demo</c>, <c>pid 4242</c>); <see langword="null"/> otherwise.</summary>
    public string? Source { get; init; }

    /// <summary>The unit of the series' values: <c>ms</c>, <c>requests/s</c>, or the memory series' own (<c>bytes</c>).</summary>
    public required string Unit { get; init; }

    /// <summary>Rising, falling or stable.</summary>
    public required DriftDirection Direction { get; init; }

    /// <summary>The Theil–Sen slope (the median of every pairwise slope), in <see cref="Unit"/> per minute.</summary>
    public required double SlopePerMinute { get; init; }

    /// <summary>The lower end of the slope's 95% interval (Sen's method), in <see cref="Unit"/> per minute.</summary>
    public required double SlopeLowPerMinute { get; init; }

    /// <summary>The upper end of the slope's 95% interval (Sen's method), in <see cref="Unit"/> per minute.</summary>
    public required double SlopeHighPerMinute { get; init; }

    /// <summary>The slope times the judged window (<see cref="ToSecond"/> − <see cref="FromSecond"/>), in <see cref="Unit"/>.</summary>
    public required double ChangeOverRun { get; init; }

    /// <summary><see cref="ChangeOverRun"/> as a percentage of <see cref="Median"/>; <see langword="null"/> when the median is 0.</summary>
    public double? ChangePercent { get; init; }

    /// <summary>The two-sided p-value of the Mann–Kendall test (normal approximation, tie and continuity corrections) on the fitted points.</summary>
    public required double PValue { get; init; }

    /// <summary>The per-second values tested: seconds of the judged window with a value (a second without requests of the row, or without a scrape, has none).</summary>
    public required int N { get; init; }

    /// <summary>The points fitted: <see cref="N"/>, or fewer when the values were binned by median to at most <see cref="DriftAnalyzer.MaxPoints"/>.</summary>
    public required int Points { get; init; }

    /// <summary>The median of the values tested, in <see cref="Unit"/>: what <see cref="ChangePercent"/> is relative to.</summary>
    public required double Median { get; init; }

    /// <summary>
    /// The least change over the run that counts as drift, in <see cref="Unit"/>: <see cref="DriftAnalyzer.MaterialShare"/> of the
    /// median, and at least <see cref="DriftAnalyzer.MinLatencyChangeMs"/> for latency.
    /// </summary>
    public required double MaterialChange { get; init; }

    /// <summary>The start of the judged window, seconds since the run started (the end of the warm-up).</summary>
    public required double FromSecond { get; init; }

    /// <summary>The end of the judged window, seconds since the run started.</summary>
    public required double ToSecond { get; init; }

    /// <summary>The fitted line's value at <see cref="FromSecond"/>, in <see cref="Unit"/>.</summary>
    public required double StartValue { get; init; }

    /// <summary>The fitted line's value at <see cref="ToSecond"/>, in <see cref="Unit"/>.</summary>
    public required double EndValue { get; init; }

    /// <summary>Whether <c>--soak</c> judged this series (<see cref="DriftAnalysis.Soak"/> and a latency or memory series): a rising one then fails the run's checks.</summary>
    public bool SoakChecked { get; init; }

    /// <summary>Whether this series fails the run's checks: <see cref="SoakChecked"/> and <see cref="DriftDirection.Rising"/>.</summary>
    public bool FailsSoak => SoakChecked && Direction == DriftDirection.Rising;

    /// <summary>What the series is, in a few words: <c>p95 of POST predict</c>, <c>requests/s</c>, <c>process_resident_memory_bytes of demo</c>.</summary>
    public string Label => Metric switch
    {
        DriftMetric.Latency => $"p95 of {Row}",
        DriftMetric.Throughput => Row is null or "Aggregated" ? "requests/s" : $"requests/s of {Row}",
        _ => Source is null ? Series : $"{Series} of {Source}",
    };

    /// <summary>The direction as the outputs write it: <c>rising</c>, <c>falling</c> or <c>stable</c>.</summary>
    public string Verdict => DriftAnalysis.Name(Direction);
}
