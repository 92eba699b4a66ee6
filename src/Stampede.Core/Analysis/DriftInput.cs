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
        IReadOnlyList<IntervalStats> history = IntervalHistory.WithoutSliver(stats.History);

        int n = history.Count;
        var ends = new double[n];
        var throughput = new double[n];
        var aggregatedP95 = new double[n];
        double[][] rowP95 = [.. stats.Rows.Select(_ => new double[n])];
        var seconds = new long[n];

        // One pass: the seconds before the last hour are read back from disk (IntervalHistory), once each.
        for (int i = 0; i < n; i++)
        {
            IntervalStats interval = history[i];
            seconds[i] = interval.Second;
            ends[i] = interval.Second + interval.DurationSeconds;
            throughput[i] = interval.Total.Requests / Math.Max(interval.DurationSeconds, 1e-9);
            aggregatedP95[i] = P95(interval.Total);
            for (int r = 0; r < rowP95.Length; r++)
            {
                rowP95[r][i] = P95(Find(interval, stats.Rows[r].Key));
            }
        }

        var series = new List<DriftInputSeries>
        {
            new(DriftMetric.Latency, "p95", "Aggregated", null, "ms", aggregatedP95),
        };

        for (int r = 0; r < rowP95.Length; r++)
        {
            series.Add(new(DriftMetric.Latency, "p95", Label(stats.Rows[r].Key), null, "ms", rowP95[r]));
        }

        series.Add(new(DriftMetric.Throughput, "rps", "Aggregated", null, "requests/s", throughput));
        foreach (TargetSeries target in stats.Target.Series.Where(s => s.Resource == TargetResource.Memory))
        {
            var values = new double[n];
            for (int i = 0; i < n; i++)
            {
                long second = seconds[i];
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

    private static double P95(RowStats? row) => row is { Requests: > 0 } ? row.GetPercentile(95) : double.NaN;

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
