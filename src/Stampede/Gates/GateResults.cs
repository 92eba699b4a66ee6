using System.Globalization;
using Stampede.Analysis;
using Stampede.Load;

namespace Stampede.Gates;

/// <summary>How a finished run fared against its thresholds, SLO objectives and baseline: the CI verdict.</summary>
internal sealed partial record GateResults
{
    /// <summary>The exit code of a run that failed a threshold, missed an SLO objective or regressed against its baseline.</summary>
    public const int FailedExitCode = 3;

    /// <summary>No checks.</summary>
    public static GateResults None { get; } = new();

    /// <summary>Each threshold measured at the end of the run.</summary>
    public IReadOnlyList<ThresholdResult> Thresholds { get; init; } = [];

    /// <summary>The <c>abort</c> thresholds that stopped the run early; empty when none did.</summary>
    public IReadOnlyList<ThresholdResult> AbortedBy { get; init; } = [];

    /// <summary>Each SLO objective measured over the run.</summary>
    public IReadOnlyList<SloResult> Slos { get; init; } = [];

    /// <summary>Each row compared with the baseline; empty without one.</summary>
    public IReadOnlyList<RowComparison> Comparisons { get; init; } = [];

    /// <summary>The baseline's file, when there was one.</summary>
    public string? BaselinePath { get; init; }

    /// <summary>The tolerance of the comparison, 0 to 1.</summary>
    public double Tolerance { get; init; }

    /// <summary>The autoscaling verdict (<c>--expect-scale</c>), one check; its thresholds then judge recovery, not the whole run, so <see cref="Thresholds"/> is empty.</summary>
    public AutoscalingAnalysis? Autoscaling { get; init; }

    /// <summary>Whether anything was checked.</summary>
    public bool IsEmpty => Drift.Count == 0 && SoakNoData is null && Thresholds.Count == 0 && Slos.Count == 0 && Comparisons.Count == 0 && AbortedBy.Count == 0 && Autoscaling is null;

    /// <summary>Checks made: thresholds, objectives and compared rows.</summary>
    public int Count => Drift.Count + (SoakNoData is null ? 0 : 1) + Thresholds.Count + Slos.Count + Comparisons.Count(c => c.Verdict != ComparisonVerdict.NotCompared) + (Autoscaling is null ? 0 : 1);

    /// <summary>
    /// Whether the run fails CI: a threshold failed or had no data, an objective was missed or had no
    /// data, a row regressed, or an <c>abort</c> threshold stopped the run.
    /// </summary>
    public bool Failed => Failures.Any();

    /// <summary>
    /// Whether a passing check bounds the error rate of every request together: an unscoped
    /// <c>error_rate&lt;…</c> or <c>failures&lt;…</c> threshold, an unscoped error-rate objective, or a passing
    /// autoscaling verdict (the requests that failed during the spike are what it judged).
    /// Failed requests within such a bound are the tolerance the user wrote down, so they do not exit 1.
    /// </summary>
    public bool BoundsErrorRate =>
        Thresholds.Any(t => t.Passed && t.Threshold.Row is null && t.Threshold.Metric is ThresholdMetric.ErrorRate or ThresholdMetric.Failures
            && t.Threshold.Operator is ThresholdOperator.LessThan or ThresholdOperator.LessThanOrEqual)
        || Autoscaling is { Passed: true }
        || Slos.Any(s => s.Outcome == CheckOutcome.Passed && s.Objective.Row is null && s.Objective.Kind == SloKind.ErrorRate);

    /// <summary>One short phrase per failed check: <c>p95&lt;300ms (p95 = 412.8 ms)</c>, <c>"POST predict" regressed</c>.</summary>
    public IEnumerable<string> Failures =>
        AbortedBy.Where(a => !Thresholds.Any(t => t.Threshold == a.Threshold && !t.Passed))
            .Select(a => $"{a.Threshold.Expression} aborted the run ({a.Threshold.MetricName} = {a.MeasuredText})")
            .Concat(Thresholds.Where(t => !t.Passed).Select(t => $"{t.Threshold.Expression} ({t.Threshold.MetricName} = {t.MeasuredText})"))
            .Concat(Slos.Where(s => s.Outcome != CheckOutcome.Passed).Select(s => s.Outcome == CheckOutcome.NoData
                ? $"SLO {s.Objective.Name} (no data)"
                : string.Create(CultureInfo.InvariantCulture, $"SLO {s.Objective.Name} ({s.Compliance * 100:0.###}% < {s.Objective.Target * 100:0.###}%)")))
            .Concat(Comparisons.Where(c => c.Verdict == ComparisonVerdict.Regressed).Select(c => $"{c.Label} regressed against the baseline"))
            .Concat(SoakFailures)
            .Concat(Autoscaling is { Passed: false } a ? [$"autoscaling FAIL ({a.Reason})"] : []);

    /// <summary>Measures the run against <paramref name="inputs"/>.</summary>
    public static GateResults Evaluate(GateInputs inputs, RunResult result)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(result);
        return new GateResults
        {
            Thresholds = result.Autoscaling is not null || result.Capacity is not null || result.BreakingPoint is not null ? []
                : result.Thresholds.Count == inputs.Thresholds.Count ? result.Thresholds : ThresholdEvaluator.Evaluate(inputs.Thresholds, result.Stats),
            Autoscaling = result.Autoscaling,
            AbortedBy = result.AbortedBy,
            Drift = SoakSeries(inputs, result),
            SoakNoData = SoakNoDataReason(inputs, result),
            Slos = SloEvaluator.Evaluate(inputs.Objectives, result.Stats),
            Comparisons = inputs.Baseline is { } baseline
                ? BaselineComparer.Compare(baseline, Baseline.FromSnapshot(result.Stats), inputs.Comparison)
                : [],
            BaselinePath = inputs.BaselinePath,
            Tolerance = inputs.Comparison.Tolerance,
        };
    }

    /// <summary>
    /// The run's exit code: <see cref="FailedExitCode"/> when a check failed; else
    /// <paramref name="exitCodeOnError"/> when user code threw, or a request failed and no passing check
    /// bounds the error rate; else 0.
    /// </summary>
    public int ExitCode(RunResult result, int exitCodeOnError)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (Failed)
        {
            return FailedExitCode;
        }

        if (result.StopReason == StopReason.TargetUnreachable)
        {
            // Not even an experiment's purpose: nothing was measured but connection errors.
            return exitCodeOnError;
        }

        if (result.BreakingPoint is not null && result.Stats.Errors.Count == 0)
        {
            // A stress test breaks the target on purpose: its verdict is in analysis.breakingPoint, not in the exit code.
            return 0;
        }

        if (result.Capacity is { } capacity && result.Stats.Errors.Count == 0)
        {
            // A capacity search overloads the target on purpose: its failed requests are the failing steps' evidence.
            // It succeeds when it found a trustworthy rate.
            return capacity.Valid && capacity.MaxRate is not null ? 0 : exitCodeOnError;
        }

        bool errors = result.Stats.Errors.Count > 0 || (result.Stats.Total.Failures > 0 && !BoundsErrorRate);
        return errors ? exitCodeOnError : 0;
    }

    /// <summary>The checks in one clause for the run's last line, or empty without checks.</summary>
    public string Describe()
    {
        if (IsEmpty)
        {
            return string.Empty;
        }

        string[] failures = [.. Failures];
        return failures.Length == 0
            ? string.Create(CultureInfo.InvariantCulture, $"; all {Count} checks passed")
            : $"; FAILED {failures.Length} of {Math.Max(Count, failures.Length)} checks: {string.Join(", ", failures)}";
    }
}
