using System.Globalization;

namespace Stampede.Analysis;

/// <summary>
/// Compares a run with a baseline per row on p50, p95, p99, requests/s and error rate, so that CI
/// fails on a regression and not on noise.
/// </summary>
/// <remarks>
/// A metric regresses (or improves) only when both hold: its whole-run value moved the wrong (right)
/// way by more than <see cref="BaselineComparisonOptions.Tolerance"/>, and a two-sample test says the
/// move is not noise at <see cref="BaselineComparisonOptions.SignificanceLevel"/>. Latencies and rates
/// are tested with the Mann–Whitney rank test over the per-second values of the two runs (robust to the
/// skewed, outlier-prone shape of latency); the error rate with the two-proportion z-test over the
/// request counts. With fewer than <see cref="BaselineComparisonOptions.MinimumSeconds"/> seconds in
/// either run, the tolerance alone decides and the reason says so.
/// </remarks>
internal static class BaselineComparer
{
    /// <summary>Every row of <paramref name="baseline"/> and <paramref name="current"/>, baseline order first, then rows new in the current run, then the aggregated row.</summary>
    public static IReadOnlyList<RowComparison> Compare(Baseline baseline, Baseline current, BaselineComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        options ??= new BaselineComparisonOptions();
        options.Validate();

        var comparisons = new List<RowComparison>();
        foreach (BaselineRow before in baseline.Rows)
        {
            BaselineRow? after = current.Rows.FirstOrDefault(r => SameRow(r, before));
            comparisons.Add(after is null
                ? new RowComparison(before.Method, before.Name, ComparisonVerdict.NotCompared, [], "only in the baseline: this run has no such requests")
                : CompareRow(before, after, options));
        }

        foreach (BaselineRow after in current.Rows.Where(r => !baseline.Rows.Any(b => SameRow(b, r))))
        {
            comparisons.Add(new RowComparison(after.Method, after.Name, ComparisonVerdict.NotCompared, [], "new in this run: the baseline has no such requests"));
        }

        comparisons.Add(CompareRow(baseline.Aggregated, current.Aggregated, options));
        return comparisons;
    }

    /// <summary>One row of the baseline against the same row of the current run.</summary>
    public static RowComparison CompareRow(BaselineRow baseline, BaselineRow current, BaselineComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(options);
        if (baseline.Requests == 0 || current.Requests == 0)
        {
            return new RowComparison(current.Method, current.Name, ComparisonVerdict.NotCompared, [], baseline.Requests == 0 ? "no requests in the baseline" : "no requests in this run");
        }

        MetricComparison[] metrics =
        [
            CompareLatency(BaselineMetric.P50, baseline, current, options, static r => r.P50Ms, static s => s.P50Ms),
            CompareLatency(BaselineMetric.P95, baseline, current, options, static r => r.P95Ms, static s => s.P95Ms),
            CompareLatency(BaselineMetric.P99, baseline, current, options, static r => r.P99Ms, static s => s.P99Ms),
            CompareRate(baseline, current, options),
            CompareErrorRate(baseline, current, options),
        ];

        ComparisonVerdict verdict = metrics.Any(m => m.Verdict == ComparisonVerdict.Regressed) ? ComparisonVerdict.Regressed
            : metrics.Any(m => m.Verdict == ComparisonVerdict.Improved) ? ComparisonVerdict.Improved
            : ComparisonVerdict.Unchanged;
        string reason = verdict == ComparisonVerdict.Unchanged
            ? "no metric moved beyond the tolerance and the noise"
            : string.Join("; ", metrics.Where(m => m.Verdict == verdict).Select(m => m.Reason));
        return new RowComparison(current.Method, current.Name, verdict, metrics, reason);
    }

    private static MetricComparison CompareLatency(
        BaselineMetric metric,
        BaselineRow baseline,
        BaselineRow current,
        BaselineComparisonOptions options,
        Func<BaselineRow, double> whole,
        Func<BaselineSecond, double> perSecond)
    {
        double[] before = [.. baseline.Seconds.Where(s => s.Requests > 0).Select(perSecond)];
        double[] after = [.. current.Seconds.Where(s => s.Requests > 0).Select(perSecond)];
        return Decide(metric, whole(baseline), whole(current), higherIsWorse: true, options, RankTest(before, after, options));
    }

    private static MetricComparison CompareRate(BaselineRow baseline, BaselineRow current, BaselineComparisonOptions options)
    {
        // A run's last interval may be a fraction of a second; its rate is too noisy to rank.
        static double[] Rates(BaselineRow row) =>
            [.. row.Seconds.Where(s => s.DurationSeconds >= 0.5).Select(s => s.Requests / s.DurationSeconds)];
        return Decide(BaselineMetric.RequestsPerSecond, baseline.RequestsPerSecond, current.RequestsPerSecond, higherIsWorse: false, options, RankTest(Rates(baseline), Rates(current), options));
    }

    private static MetricComparison CompareErrorRate(BaselineRow baseline, BaselineRow current, BaselineComparisonOptions options)
    {
        if (baseline.Failures == 0 && current.Failures == 0)
        {
            return new MetricComparison(BaselineMetric.ErrorRate, 0, 0, 0, null, ComparisonVerdict.Unchanged, "error rate 0% in both runs");
        }

        (double p, double z) = SignificanceTests.TwoProportions(baseline.Failures, baseline.Requests, current.Failures, current.Requests);
        return Decide(BaselineMetric.ErrorRate, baseline.ErrorRate, current.ErrorRate, higherIsWorse: true, options, new TestResult("two-proportion z-test", p, z, null));
    }

    private static TestResult RankTest(double[] before, double[] after, BaselineComparisonOptions options)
    {
        if (before.Length < options.MinimumSeconds || after.Length < options.MinimumSeconds)
        {
            return new TestResult("Mann–Whitney", null, 0, string.Create(
                CultureInfo.InvariantCulture,
                $"too few seconds ({before.Length} and {after.Length}, {options.MinimumSeconds} needed) for a significance test, so the tolerance alone decides"));
        }

        (double p, double z) = SignificanceTests.MannWhitney(before, after);
        return new TestResult("Mann–Whitney over per-second values", p, z, null);
    }

    private static MetricComparison Decide(BaselineMetric metric, double before, double after, bool higherIsWorse, BaselineComparisonOptions options, TestResult test)
    {
        double change = before == 0 ? (after == 0 ? 0 : double.PositiveInfinity) : (after - before) / before;
        string moved = string.Create(CultureInfo.InvariantCulture, $"{Name(metric)} {Format(metric, before)} → {Format(metric, after)} ({FormatChange(change)})");
        string tolerance = string.Create(CultureInfo.InvariantCulture, $"±{options.Tolerance * 100:0.##}%");
        if (Math.Abs(change) <= options.Tolerance)
        {
            return new MetricComparison(metric, before, after, change, test.PValue, ComparisonVerdict.Unchanged, $"{moved}, within {tolerance}");
        }

        bool worse = higherIsWorse == change > 0;
        ComparisonVerdict verdict = worse ? ComparisonVerdict.Regressed : ComparisonVerdict.Improved;
        if (test.PValue is not { } p)
        {
            return new MetricComparison(metric, before, after, change, null, verdict, $"{moved}, beyond {tolerance}; {test.Skipped}");
        }

        string pText = p < 0.0001 ? $"{test.Name} p < 0.0001" : string.Create(CultureInfo.InvariantCulture, $"{test.Name} p = {p:0.####}");

        // The test must agree on the direction too: per-second values moving the other way are no evidence for this change.
        if (p >= options.SignificanceLevel || Math.Sign(test.Z) != Math.Sign(change))
        {
            return new MetricComparison(metric, before, after, change, p, ComparisonVerdict.Unchanged, string.Create(
                CultureInfo.InvariantCulture,
                $"{moved}, beyond {tolerance} but not significant ({pText}, needs < {options.SignificanceLevel:0.####} in the same direction): noise"));
        }

        return new MetricComparison(metric, before, after, change, p, verdict, $"{moved}, beyond {tolerance} and significant ({pText})");
    }

    private static bool SameRow(BaselineRow a, BaselineRow b) =>
        string.Equals(a.Method, b.Method, StringComparison.Ordinal) && string.Equals(a.Name, b.Name, StringComparison.Ordinal);

    private static string Name(BaselineMetric metric) => metric switch
    {
        BaselineMetric.P50 => "p50",
        BaselineMetric.P95 => "p95",
        BaselineMetric.P99 => "p99",
        BaselineMetric.RequestsPerSecond => "rps",
        _ => "error rate",
    };

    /// <summary>A value of <paramref name="metric"/> with its unit.</summary>
    internal static string Format(BaselineMetric metric, double value) => metric switch
    {
        BaselineMetric.RequestsPerSecond => string.Create(CultureInfo.InvariantCulture, $"{value:0.##} req/s"),
        BaselineMetric.ErrorRate => string.Create(CultureInfo.InvariantCulture, $"{value * 100:0.###}%"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value:0.###} ms"),
    };

    /// <summary>A relative change: <c>+50.0%</c>, <c>-3.2%</c>, <c>from 0</c>.</summary>
    internal static string FormatChange(double change) => double.IsPositiveInfinity(change)
        ? "from 0"
        : string.Create(CultureInfo.InvariantCulture, $"{change * 100:+0.0;-0.0;0.0}%");

    private sealed record TestResult(string Name, double? PValue, double Z, string? Skipped);
}
