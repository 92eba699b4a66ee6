using Stampede.Load;
using Stampede.Metrics;

namespace Stampede.Analysis;

/// <summary>
/// Tells whether a run's latency, throughput or memory drifted over time: a robust trend test on each per-second
/// series after the warm-up (docs/soak.md).
/// </summary>
/// <remarks>
/// <para>
/// Judged: the aggregated row's and each row's per-second p95 (ms), the requests completed per second, and every
/// watched memory series (<see cref="Monitoring.TargetResource.Memory"/>, in its unit; the generator's own machine is
/// reported but never fails <c>--soak</c>, since its memory holds the generator's), over the one-second intervals
/// after the warm-up, when there are at least <see cref="MinIntervals"/> of them; a series needs a value in at least
/// <see cref="MinPoints"/> of those seconds. The warm-up is the first 10% of the run, at least
/// <see cref="MinWarmupSeconds"/> (connections opening, JIT, caches filling), unless one is given.
/// </para>
/// <para>
/// Each series is fitted by Theil–Sen (the median of every pairwise slope: half the points may be outliers without
/// moving it, and it assumes no distribution), with a 95% interval by Sen's method and the Mann–Kendall p-value
/// (<see cref="TrendTests.TheilSen"/>). Since every pair is visited, a series of more than <see cref="MaxPoints"/>
/// values is first binned by median into at most that many points (<see cref="TrendTests.Bin"/>): about 45,000 pairs
/// at most, whatever the run's length.
/// </para>
/// <para>
/// The verdict is <c>rising</c> when the interval's lower end is above 0 and the change over the judged window
/// (slope × its length) is material: at least <see cref="MaterialShare"/> of the series' median, and for latency at
/// least <see cref="MinLatencyChangeMs"/>; <c>falling</c> symmetrically; else <c>stable</c>. Materiality keeps a
/// slope that is significant but harmless (a few microseconds a minute over millions of requests, a per-second series
/// that wanders slowly) from being called drift.
/// </para>
/// </remarks>
internal static class DriftAnalyzer
{
    /// <summary>One-second intervals needed after the warm-up: 60.</summary>
    public const int MinIntervals = 60;

    /// <summary>Seconds of the judged window a series needs a value in: 30 (a row seldom requested, a slow scrape interval).</summary>
    public const int MinPoints = 30;

    /// <summary>The most points a series is fitted on; longer ones are binned by median: 300.</summary>
    public const int MaxPoints = 300;

    /// <summary>The warm-up's share of the run: 10%.</summary>
    public const double WarmupShare = 0.10;

    /// <summary>The shortest warm-up: 10 s.</summary>
    public const int MinWarmupSeconds = 10;

    /// <summary>The confidence of the slope's interval: 95%.</summary>
    public const double Confidence = 0.95;

    /// <summary>The least change over the run that is drift, as a share of the series' median: 10%.</summary>
    public const double MaterialShare = 0.10;

    /// <summary>The least latency change over the run that is drift: 1 ms.</summary>
    public const double MinLatencyChangeMs = 1;

    /// <summary>
    /// The drift of a finished run; <see langword="null"/> when it has fewer than <see cref="MinIntervals"/> intervals
    /// after the warm-up, or when it was a stress test or a capacity search without <c>--soak</c> (their rate rises by
    /// design, so rising throughput and latency are what they set out to do, not drift).
    /// </summary>
    /// <param name="stats">The run's final statistics.</param>
    /// <param name="options">The run's options.</param>
    /// <param name="warmup">The warm-up to leave out; <see langword="null"/> for the default (10% of the run, at least 10 s).</param>
    public static DriftAnalysis? Analyze(StatsSnapshot stats, LoadTestOptions options, TimeSpan? warmup = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (options.Stress is not null || options.FindCapacity is not null) && !options.Soak
            ? null
            : Analyze(DriftInput.From(stats, options, warmup));
    }

    /// <summary>The drift of a run's per-second series; <see langword="null"/> when it has fewer than <see cref="MinIntervals"/> intervals after the warm-up.</summary>
    public static DriftAnalysis? Analyze(DriftInput run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.JudgedIntervals < MinIntervals)
        {
            return null;
        }

        var series = new List<DriftSeries>();
        foreach (DriftInputSeries input in run.Series)
        {
            if (Judge(run, input) is { } judged)
            {
                series.Add(judged);
            }
        }

        return new DriftAnalysis
        {
            Soak = run.Soak,
            WarmupSeconds = run.WarmupIntervals,
            Intervals = run.JudgedIntervals,
            FromSecond = run.FromSecond,
            ToSecond = run.ToSecond,
            Series = series,
        };
    }

    /// <summary>The warm-up, in intervals, of a run of <paramref name="intervals"/>: <paramref name="warmup"/> when given, else 10% of the run and at least 10 s.</summary>
    public static int WarmupIntervals(int intervals, TimeSpan? warmup = null)
    {
        int seconds = warmup is { } w ? (int)Math.Ceiling(Math.Max(0, w.TotalSeconds)) : Math.Max(MinWarmupSeconds, (int)Math.Ceiling(WarmupShare * intervals));
        return Math.Min(intervals, seconds);
    }

    /// <summary>The intervals a finished run has after its warm-up, as <see cref="Analyze(StatsSnapshot, LoadTestOptions, TimeSpan?)"/> counts them.</summary>
    public static int JudgedIntervals(StatsSnapshot stats, TimeSpan? warmup = null)
    {
        ArgumentNullException.ThrowIfNull(stats);
        int n = stats.History.Count;
        if (n > 0 && stats.History[^1].DurationSeconds < 0.5)
        {
            n--;
        }

        return n - WarmupIntervals(n, warmup);
    }

    private static DriftSeries? Judge(DriftInput run, DriftInputSeries input)
    {
        var x = new List<double>();
        var y = new List<double>();
        for (int i = run.WarmupIntervals; i < run.Ends.Length && i < input.Values.Length; i++)
        {
            if (double.IsFinite(input.Values[i]))
            {
                x.Add(run.Ends[i]);
                y.Add(input.Values[i]);
            }
        }

        if (x.Count < MinPoints)
        {
            return null;
        }

        (double[] bx, double[] by) = TrendTests.Bin(x, y, MaxPoints);
        TrendFit fit = TrendTests.TheilSen(bx, by, Confidence);
        double from = run.FromSecond;
        double to = run.ToSecond;
        double change = fit.Slope * (to - from);
        double median = TrendTests.Median(y);
        double material = Math.Max(MaterialShare * Math.Abs(median), input.Metric == DriftMetric.Latency ? MinLatencyChangeMs : 0);
        DriftDirection direction =
            fit.SlopeLow > 0 && change >= material && change > 0 ? DriftDirection.Rising
            : fit.SlopeHigh < 0 && -change >= material && change < 0 ? DriftDirection.Falling
            : DriftDirection.Stable;

        return new DriftSeries
        {
            Metric = input.Metric,
            Series = input.Series,
            Row = input.Row,
            Source = input.Source,
            Unit = input.Unit,
            Direction = direction,
            SlopePerMinute = fit.Slope * 60,
            SlopeLowPerMinute = fit.SlopeLow * 60,
            SlopeHighPerMinute = fit.SlopeHigh * 60,
            ChangeOverRun = change,
            ChangePercent = median == 0 ? null : change / Math.Abs(median) * 100,
            PValue = fit.PValue,
            N = x.Count,
            Points = fit.Points,
            Median = median,
            MaterialChange = material,
            FromSecond = from,
            ToSecond = to,
            StartValue = fit.At(from),
            EndValue = fit.At(to),
            SoakChecked = run.Soak && input.SoakJudged && input.Metric is DriftMetric.Latency or DriftMetric.Memory,
        };
    }
}
