using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Analysis;

/// <summary>A run's per-second series as the drift analysis reads them (index = history second).</summary>
internal sealed record DriftInput
{
    /// <summary>Whether <c>--soak</c> was given.</summary>
    public required bool Soak { get; init; }

    /// <summary>The end of each history interval, seconds since the run started: where its value is placed in time.</summary>
    public required double[] Ends { get; init; }

    /// <summary>The intervals left out at the start as warm-up.</summary>
    public required int WarmupIntervals { get; init; }

    /// <summary>The series to test.</summary>
    public required IReadOnlyList<DriftInputSeries> Series { get; init; }

    /// <summary>The intervals judged: those after the warm-up.</summary>
    public int JudgedIntervals => Math.Max(0, Ends.Length - WarmupIntervals);

    /// <summary>The start of the judged window, seconds since the run started: the end of the warm-up.</summary>
    public double FromSecond => WarmupIntervals == 0 ? 0 : Ends[Math.Min(WarmupIntervals, Ends.Length) - 1];

    /// <summary>The end of the judged window, seconds since the run started.</summary>
    public double ToSecond => Ends.Length == 0 ? 0 : Ends[^1];

    /// <summary>
    /// The series of a finished run: the aggregated p95, each row's p95, throughput and every watched memory series;
    /// the last interval is left out when it is a sliver under half a second.
    /// </summary>
    /// <param name="stats">The run's final statistics.</param>
    /// <param name="options">The run's options (<see cref="LoadTestOptions.Soak"/>).</param>
    /// <param name="warmup">The warm-up to leave out; <see langword="null"/> for <see cref="DriftAnalyzer.WarmupIntervals"/>'s default.</param>
    public static DriftInput From(StatsSnapshot stats, LoadTestOptions options, TimeSpan? warmup = null)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(options);
        List<IntervalStats> history = [.. stats.History];
        if (history.Count > 0 && history[^1].DurationSeconds < 0.5)
        {
            history.RemoveAt(history.Count - 1);
        }

        int n = history.Count;
        var ends = new double[n];
        var throughput = new double[n];
        for (int i = 0; i < n; i++)
        {
            IntervalStats interval = history[i];
            ends[i] = interval.Second + interval.DurationSeconds;
            throughput[i] = interval.Total.Requests / Math.Max(interval.DurationSeconds, 1e-9);
        }

        var series = new List<DriftInputSeries>
        {
            new(DriftMetric.Latency, "p95", "Aggregated", null, "ms", P95(history, interval => interval.Total)),
        };

        foreach (RowStats row in stats.Rows)
        {
            series.Add(new(DriftMetric.Latency, "p95", Label(row.Key), null, "ms", P95(history, interval => Find(interval, row.Key))));
        }

        series.Add(new(DriftMetric.Throughput, "rps", "Aggregated", null, "requests/s", throughput));
        foreach (TargetSeries target in stats.Target.Series.Where(s => s.Resource == TargetResource.Memory))
        {
            var values = new double[n];
            for (int i = 0; i < n; i++)
            {
                long second = history[i].Second;
                values[i] = second < target.Values.Count && target.Values[(int)second] is { } v && double.IsFinite(v) ? v : double.NaN;
            }

            // The machine the generator runs on (a local target's host) holds the generator's own memory, which grows
            // with the run's history: it is reported, never failed.
            bool generatorHost = stats.Target.Sources.Any(s => s.Name == target.Source && s.Kind == "host");
            series.Add(new(DriftMetric.Memory, target.DisplayName, null, target.Source, target.Unit, values, SoakJudged: !generatorHost));
        }

        return new DriftInput
        {
            Soak = options.Soak,
            Ends = ends,
            WarmupIntervals = DriftAnalyzer.WarmupIntervals(n, warmup),
            Series = series,
        };
    }

    /// <summary>How outputs name a row: <c>POST predict small</c>, or its name alone without a method.</summary>
    public static string Label(RowKey key) => string.IsNullOrEmpty(key.Method) ? key.Name : $"{key.Method} {key.Name}";

    private static double[] P95(List<IntervalStats> history, Func<IntervalStats, RowStats?> select)
    {
        var values = new double[history.Count];
        for (int i = 0; i < history.Count; i++)
        {
            values[i] = select(history[i]) is { Requests: > 0 } row ? row.GetPercentile(95) : double.NaN;
        }

        return values;
    }

    private static RowStats? Find(IntervalStats interval, RowKey key)
    {
        foreach (RowStats row in interval.Rows)
        {
            if (row.Key == key)
            {
                return row;
            }
        }

        return null;
    }
}
