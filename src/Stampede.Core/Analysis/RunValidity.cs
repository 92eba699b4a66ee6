using System.Collections.Concurrent;
using System.Globalization;
using Stampede.Load;
using Stampede.Metrics;

namespace Stampede.Analysis;

/// <summary>
/// Whether a run's numbers can be trusted: VALID, or INVALID with every reason. A run is invalid when it
/// delivered less than 99% of its open-model schedule, when it ran shorter than its minimum duration, or
/// when the generator was bound (CPU above its threshold, GC pauses, or a late schedule) at any time:
/// what breaks the numbers. A headline percentile (p50, p90, p95, p99) resting on too few samples is only
/// <i>indicative</i> (a note), unless the run is strict (<c>--strict</c>), which applies MLPerf LoadGen's rule
/// and makes it a reason.
/// </summary>
/// <param name="IsValid">Whether no reason was found.</param>
/// <param name="Reasons">Why the run is invalid, one sentence each; empty when valid.</param>
public sealed record RunValidity(bool IsValid, IReadOnlyList<string> Reasons)
{
    /// <summary>What is indicative rather than invalid: percentiles on too few samples (without <c>--strict</c>).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Share of the scheduled iterations a run must start to be valid.</summary>
    public const double MinimumAchievedShare = 0.99;

    /// <summary>The percentiles whose sample count decides validity; higher ones are only marked.</summary>
    public static IReadOnlyList<double> HeadlinePercentiles { get; } = [50, 90, 95, 99];

    /// <summary>The verdict word: <c>VALID</c> or <c>INVALID</c>.</summary>
    public string Verdict => IsValid ? "VALID" : "INVALID";

    /// <summary>One line: <c>VALID</c>, <c>VALID (indicative: note)</c>, or <c>INVALID: reason; reason</c>.</summary>
    public override string ToString() => !IsValid ? $"{Verdict}: {string.Join("; ", Reasons)}"
        : Notes.Count == 0 ? Verdict
        : $"{Verdict} (indicative: {string.Join("; ", Notes)})";

    /// <summary>Judges a finished run.</summary>
    /// <param name="stats">The run's final statistics.</param>
    /// <param name="minDuration">The shortest run that counts (<c>--min-duration</c>), or <see langword="null"/>.</param>
    /// <param name="strict">Whether too few samples for a headline percentile make the run INVALID (MLPerf's rule) rather than indicative.</param>
    public static RunValidity Judge(StatsSnapshot stats, TimeSpan? minDuration = null, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var reasons = new List<string>();
        var notes = new List<string>();

        if (stats.Arrivals is { } arrivals && arrivals.DueIterations > 0)
        {
            double share = (double)arrivals.StartedIterations / arrivals.DueIterations;
            if (share < MinimumAchievedShare)
            {
                double seconds = Math.Max(stats.Elapsed.TotalSeconds, 1e-9);
                reasons.Add(Format(
                    $"achieved {arrivals.StartedIterations / seconds:0.##} iterations/s, {share * 100:0.#}% of the scheduled {arrivals.DueIterations / seconds:0.##}/s (below {MinimumAchievedShare * 100:0}%): {arrivals.DroppedIterations} dropped, {arrivals.DueIterations - arrivals.StartedIterations - arrivals.DroppedIterations} not started by the end"));
            }
        }

        if (minDuration is { } min && stats.Elapsed < min)
        {
            reasons.Add(Format($"ran {stats.Elapsed.TotalSeconds:0.#} s, shorter than --min-duration {min.TotalSeconds:0.#} s"));
        }

        foreach (RowStats row in stats.Rows.Append(stats.Total))
        {
            double[] missing = [.. HeadlinePercentiles.Where(p => !Sampling.HasEnough(row.Requests, p))];
            if (missing.Length > 0 && row.Requests > 0)
            {
                double worst = missing[^1];
                (strict ? reasons : notes).Add(Format(
                    $"{Describe(row.Key)} has {row.Requests} samples: too few for {string.Join(", ", missing.Select(p => "p" + p.ToString(CultureInfo.InvariantCulture)))} (p{worst} needs {Sampling.MinimumSamples(worst)})"));
            }
        }

        if (stats.Generator.BoundSinceSecond is { } since)
        {
            reasons.Add(Format(
                $"the generator was bound for {stats.Generator.BoundSeconds} s from second {since + 1} ({string.Join(", ", stats.Generator.BoundReasons)}): its own delays may be in the numbers"));
        }

        if (stats.Cluster is { AllowAgentLoss: false } cluster)
        {
            foreach (Cluster.AgentStats lost in cluster.Lost)
            {
                reasons.Add(Format(
                    $"agent {lost.Name} was lost {lost.LostAtSeconds ?? 0:0.#} s into the run ({lost.LostReason}) with its share ({lost.Share}), after {lost.Requests} requests: {(cluster.ReplanLost ? "its share ran on the other agents from then, but the run is not the one planned" : "the load after that fell short of the plan")} (--allow-agent-loss accepts it)"));
            }
        }

        return new RunValidity(reasons.Count == 0, reasons) { Notes = notes };
    }

    private static string Describe(RowKey key) => key.Method.Length == 0 ? "the aggregated row" : $"row {key.Method} {key.Name}";

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// How many samples a percentile needs, from the binomial bound MLPerf LoadGen uses: the smallest n for which
/// a run with at most one sample above the true percentile happens with probability at most 1% (99% confidence).
/// This gives LoadGen's 64 samples for p90 and 662 for p99, and 11 for p50, 130 for p95, 6,636 for p99.9.
/// </summary>
public static class Sampling
{
    /// <summary>Confidence of the bound.</summary>
    public const double Confidence = 0.99;

    private static readonly ConcurrentDictionary<double, long> Cache = new();

    /// <summary>The fewest samples for which <paramref name="percentile"/> (0–100) is trustworthy; 1 for p0 and the maximum (p100), which are exact.</summary>
    public static long MinimumSamples(double percentile)
    {
        if (!(percentile >= 0) || percentile > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "A percentile from 0 to 100.");
        }

        if (percentile is 0 or 100)
        {
            return 1;
        }

        return Cache.GetOrAdd(percentile, static p =>
        {
            double tail = 1 - (p / 100);

            // P(at most one of n samples above the percentile) = (1-q)^n + n·q·(1-q)^(n-1), decreasing in n:
            // double the upper bound until it passes, then bisect.
            long low = 1;
            long high = 2;
            while (AtMostOneAbove(high, tail) > 1 - Confidence)
            {
                high *= 2;
            }

            while (low < high)
            {
                long mid = low + ((high - low) / 2);
                if (AtMostOneAbove(mid, tail) <= 1 - Confidence)
                {
                    high = mid;
                }
                else
                {
                    low = mid + 1;
                }
            }

            return low;
        });
    }

    /// <summary>Whether <paramref name="samples"/> are enough for <paramref name="percentile"/>.</summary>
    public static bool HasEnough(long samples, double percentile) => samples >= MinimumSamples(percentile);

    private static double AtMostOneAbove(long n, double tail)
    {
        double logBelow = double.LogP1(-tail);
        return Math.Exp(n * logBelow) + (n * tail * Math.Exp((n - 1) * logBelow));
    }
}
