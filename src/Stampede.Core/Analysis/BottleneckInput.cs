using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Analysis;

/// <summary>A run's per-second series as the bottleneck analysis reads them (index = history second).</summary>
internal sealed record BottleneckInput
{
    /// <summary>Whether the load was an arrival rate (open model) rather than users.</summary>
    public required bool OpenModel { get; init; }

    /// <summary>Offered load per second: users at the second's end (closed), or arrivals due per second (open).</summary>
    public required double[] Offered { get; init; }

    /// <summary>Successful requests completed per second.</summary>
    public required double[] Succeeded { get; init; }

    /// <summary>Failed requests / all requests per second (0 when none completed).</summary>
    public required double[] ErrorRate { get; init; }

    /// <summary>Aggregated p50 per second, ms (NaN when none completed).</summary>
    public required double[] P50Ms { get; init; }

    /// <summary>Whether the generator was bound in each second.</summary>
    public required bool[] GeneratorBound { get; init; }

    /// <summary>Whether a threshold (<c>--slo</c>) failed on each second's own requests.</summary>
    public required bool[] SloFailed { get; init; }

    /// <summary>The generator's CPU per second, percent of its cores (NaN where not sampled).</summary>
    public required double[] GeneratorCpuPercent { get; init; }

    /// <summary>What was watched on the target.</summary>
    public required TargetSnapshot Target { get; init; }

    /// <summary>The most frequent failure reason of the run, for the <c>errors</c> verdict.</summary>
    public string? TopFailure { get; init; }

    /// <summary>The series of a finished run; the last interval is left out when it is a sliver under half a second.</summary>
    public static BottleneckInput From(StatsSnapshot stats, LoadTestOptions options)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<IntervalStats> history = IntervalHistory.WithoutSliver(stats.History);

        int n = history.Count;
        var offered = new double[n];
        var succeeded = new double[n];
        var errorRate = new double[n];
        var p50 = new double[n];
        var bound = new bool[n];
        var slo = new bool[n];
        var cpu = new double[n];
        Array.Fill(cpu, double.NaN);
        for (int i = 0; i < n; i++)
        {
            IntervalStats interval = history[i];
            double duration = Math.Max(interval.DurationSeconds, 1e-9);
            offered[i] = options.IsOpenModel ? interval.DueIterations / duration : interval.Users;
            succeeded[i] = (interval.Total.Requests - interval.Total.Failures) / duration;
            errorRate[i] = interval.Total.Requests == 0 ? 0 : (double)interval.Total.Failures / interval.Total.Requests;
            p50[i] = interval.Total.Requests == 0 ? double.NaN : interval.Total.GetPercentile(50);
            bound[i] = interval.GeneratorBound;
            slo[i] = options.Thresholds.Any(t => !ThresholdEvaluator.HoldsOnSecond(t, interval));
        }

        foreach (Monitoring.GeneratorSample sample in stats.Generator.Samples)
        {
            // The sample that closes second s + 1 measured second s.
            long second = sample.Second - 1;
            if (second >= 0 && second < n)
            {
                cpu[second] = sample.CpuPercent;
            }
        }

        return new BottleneckInput
        {
            OpenModel = options.IsOpenModel,
            Offered = offered,
            Succeeded = succeeded,
            ErrorRate = errorRate,
            P50Ms = p50,
            GeneratorBound = bound,
            SloFailed = slo,
            GeneratorCpuPercent = cpu,
            Target = stats.Target,
            TopFailure = stats.Failures.Count > 0 ? stats.Failures[0].Error : null,
        };
    }
}
