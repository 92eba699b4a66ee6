using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Analysis;

/// <summary>A run's per-second series as the autoscaling analysis reads them (index = history second).</summary>
internal sealed record AutoscalingInput
{
    /// <summary>Whether the load was an arrival rate (open model) rather than users.</summary>
    public required bool OpenModel { get; init; }

    /// <summary>Offered load per second: users at the second's end (closed), or the schedule's target rate over the second, iterations/s (open).</summary>
    public required double[] Offered { get; init; }

    /// <summary>Requests completed per second.</summary>
    public required long[] Requests { get; init; }

    /// <summary>Requests failed per second.</summary>
    public required long[] Failures { get; init; }

    /// <summary>p95 of all requests completed in each second, ms (NaN when none completed).</summary>
    public required double[] P95Ms { get; init; }

    /// <summary>Whether each second completed requests and every threshold held on them.</summary>
    public required bool[] Held { get; init; }

    /// <summary>What was watched on the target.</summary>
    public required TargetSnapshot Target { get; init; }

    /// <summary>The series of a finished run; the last interval is left out when it is a sliver under half a second.</summary>
    public static AutoscalingInput From(StatsSnapshot stats, LoadTestOptions options)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<IntervalStats> history = IntervalHistory.WithoutSliver(stats.History);

        int n = history.Count;
        double[] planned = options.IsOpenModel ? AutoscalingAnalyzer.PlannedRate(options, n) : [];
        var offered = new double[n];
        var requests = new long[n];
        var failures = new long[n];
        var p95 = new double[n];
        var held = new bool[n];
        for (int i = 0; i < n; i++)
        {
            IntervalStats interval = history[i];
            offered[i] = options.IsOpenModel ? planned[i] : interval.Users;
            requests[i] = interval.Total.Requests;
            failures[i] = interval.Total.Failures;
            p95[i] = interval.Total.Requests == 0 ? double.NaN : interval.Total.GetPercentile(95);
            held[i] = interval.Total.Requests > 0 && options.Thresholds.All(t => ThresholdEvaluator.HoldsOnSecond(t, interval));
        }

        return new AutoscalingInput
        {
            OpenModel = options.IsOpenModel,
            Offered = offered,
            Requests = requests,
            Failures = failures,
            P95Ms = p95,
            Held = held,
            Target = stats.Target,
        };
    }
}
