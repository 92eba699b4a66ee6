using System.Globalization;
using Stampede.Analysis;
using Stampede.Metrics;

namespace Stampede.Experiments;

/// <summary>
/// Raises an open-model rate step by step until the target breaks, then holds a lower rate to see whether it
/// recovers (docs/stress.md). A step is judged on its seconds after a 20% warm-up: it breaks when a
/// <see cref="StressTestOptions.BreakWhen"/> condition holds on those requests (by default more than 5% errors, or a
/// p99 above ten times the first step's). Called once a second by the run, from one thread.
/// </summary>
internal sealed class StressTest : IRateExperiment
{
    /// <summary>Seconds at the end of the recovery phase that must all hold for the target to count as recovered.</summary>
    public const int RecoveredSeconds = 3;

    private static readonly Threshold DefaultErrorBreak = Threshold.Parse("error_rate>5%");

    private readonly StressTestOptions _options;
    private readonly int _stepSeconds;
    private readonly int _warmupSeconds;
    private readonly int _recoverySeconds;
    private readonly List<CapacityStep> _steps = [];
    private Dictionary<string, long> _failuresAtStepStart = [];
    private long _stepStart;
    private double? _firstP99;
    private CapacityStep? _broken;
    private Dictionary<string, long> _brokenCounts = [];
    private long? _recoveryStart;
    private double? _recoveryRate;
    private bool? _recovered;
    private double? _recoveredAfter;

    public StressTest(StressTestOptions options)
    {
        _options = options;
        _stepSeconds = Math.Max(2, (int)Math.Round(options.StepTime.TotalSeconds));
        _warmupSeconds = Math.Max(0, (int)Math.Round(_stepSeconds * 0.2));
        _recoverySeconds = Math.Max(2, (int)Math.Round(options.RecoveryTime.TotalSeconds));
        CurrentRate = options.StartRate;
    }

    public double StartRate => _options.StartRate;

    public double CurrentRate { get; private set; }

    public bool Finished { get; private set; }

    public ExperimentProgress Progress(double nowSeconds)
    {
        string phase = Finished ? "done" : _recoveryStart is not null ? "recovery" : "step";
        int? stepLeft = phase switch
        {
            "recovery" => Math.Max(0, (int)Math.Ceiling(_recoveryStart!.Value + _recoverySeconds - nowSeconds)),
            "step" => Math.Max(0, (int)Math.Ceiling(_stepStart + _stepSeconds - nowSeconds)),
            _ => null,
        };

        // Stepping: the steps left before the step limit, then the recovery phase should the last of them break.
        int? secondsLeft = phase switch
        {
            "recovery" => stepLeft,
            "step" => stepLeft + ((_options.MaxSteps - _steps.Count - 1) * _stepSeconds) + _recoverySeconds,
            _ => 0,
        };
        double? held = _steps.Where(s => s.Pass).Select(s => (double?)s.Rate).LastOrDefault();
        string text = phase switch
        {
            "done" => Fmt($"Stress test done after {_steps.Count} steps"),
            "recovery" => Fmt($"Stress test: broke at {_broken!.Rate:0.##}/s; recovering at {_recoveryRate:0.##}/s, {stepLeft} s left"),
            _ => Fmt($"Stress test: step {_steps.Count + 1} at {CurrentRate:0.##}/s, {stepLeft} s left in it{(held is { } h ? Fmt($", last {h:0.##}/s held") : string.Empty)}"),
        };
        return new ExperimentProgress
        {
            Kind = "stress",
            Phase = phase,
            Step = Finished || _recoveryStart is not null ? _steps.Count : _steps.Count + 1,
            Rate = Math.Round(CurrentRate, 4),
            StepSecondsLeft = stepLeft,
            SecondsLeft = secondsLeft,
            LastPassRate = held,
            FirstFailRate = _broken?.Rate,
            Steps = [.. _steps],
            Text = text,
        };
    }

    public (double Rate, long AtSecond)? OnSecond(StatsSnapshot live, int busyIterations)
    {
        if (Finished)
        {
            return null;
        }

        IReadOnlyList<IntervalStats> history = live.History;
        double now = live.Elapsed.TotalSeconds;
        if (_recoveryStart is { } recoveryStart)
        {
            if (history.Count < recoveryStart + _recoverySeconds)
            {
                return null;
            }

            JudgeRecovery(history, recoveryStart);
            Finished = true;
            return null;
        }

        if (history.Count < _stepStart + _stepSeconds)
        {
            return null;
        }

        CapacityStep step = Judge(history, live.Failures, out Dictionary<string, long> counts);
        _steps.Add(step);
        _failuresAtStepStart = Cumulative(live.Failures);
        long next = Math.Max(_stepStart + _stepSeconds, (long)Math.Ceiling(now));
        if (!step.Pass)
        {
            _broken = step;
            _brokenCounts = counts;
            _recoveryRate = _options.RecoveryRate ?? step.Rate / 2;
            _recoveryStart = next;
            CurrentRate = _recoveryRate.Value;
            return (CurrentRate, next);
        }

        if (_steps.Count >= _options.MaxSteps)
        {
            Finished = true;
            return null;
        }

        CurrentRate = _options.StepFactor is { } factor ? step.Rate * factor : step.Rate + (_options.StepRate ?? _options.StartRate);
        _stepStart = next;
        return (CurrentRate, next);
    }

    /// <summary>The result so far.</summary>
    public BreakingPointAnalysis Result()
    {
        IReadOnlyList<string> breakWhen = _options.BreakWhen.Count > 0
            ? [.. _options.BreakWhen.Select(t => t.Expression)]
            : [DefaultErrorBreak.Expression, "p99 above 10× the first step's"];
        double? held = _steps.Where(s => s.Pass && s.Phase == "step").Select(s => (double?)s.Rate).LastOrDefault();
        string? mode = _broken is null ? null : Mode(_brokenCounts, _broken);
        string summary = _broken is null
            ? Fmt($"No break in {_steps.Count} steps: up to {(held ?? 0):0.##}/s held ({string.Join(", ", breakWhen)}){(Finished ? string.Empty : "; the test was stopped early")}.")
            : Fmt($"Broke at {_broken.Rate:0.##}/s ({mode}: {_broken.Reason}); the last step that held was {(held is { } h ? Fmt($"{h:0.##}/s") : "none")}. ")
              + (_recovered switch
              {
                  true => Fmt($"It recovered at {_recoveryRate:0.##}/s after {_recoveredAfter:0} s."),
                  false => Fmt($"It did not recover at {_recoveryRate:0.##}/s within {_recoverySeconds} s."),
                  _ => "The recovery phase did not finish.",
              });
        return new BreakingPointAnalysis
        {
            Rate = held,
            BrokeAtRate = _broken?.Rate,
            AtSecond = _broken?.StartSecond,
            FailureMode = mode,
            FailureCounts = _brokenCounts,
            Recovered = _recovered,
            RecoverySeconds = _recoveredAfter,
            RecoveryRate = _recoveryRate,
            BreakWhen = breakWhen,
            Summary = summary,
            Steps = [.. _steps],
        };
    }

    private CapacityStep Judge(IReadOnlyList<IntervalStats> history, IReadOnlyList<FailureStats> failures, out Dictionary<string, long> counts)
    {
        long judgedFrom = _stepStart + _warmupSeconds;
        long end = _stepStart + _stepSeconds;
        StatsSnapshot window = WindowStats.Of(history, judgedFrom, end);
        RowStats total = window.Total;
        double duration = Math.Max(1e-9, window.History.Sum(i => i.DurationSeconds));
        double? p99 = total.Requests == 0 ? null : total.GetPercentile(99);
        _firstP99 ??= p99;

        var reasons = new List<string>();
        if (_options.BreakWhen.Count > 0)
        {
            foreach (ThresholdResult result in ThresholdEvaluator.Evaluate(_options.BreakWhen, window))
            {
                if (result.Outcome == CheckOutcome.Passed)
                {
                    reasons.Add($"{result.Threshold.Expression} ({result.Threshold.MetricName} = {result.MeasuredText})");
                }
            }
        }
        else
        {
            ThresholdResult errors = ThresholdEvaluator.Evaluate(DefaultErrorBreak, window);
            if (errors.Outcome == CheckOutcome.Passed)
            {
                reasons.Add($"{DefaultErrorBreak.Expression} (error_rate = {errors.MeasuredText})");
            }

            if (p99 is { } p && _firstP99 is { } first && _steps.Count > 0 && p > 10 * first)
            {
                reasons.Add(Fmt($"p99 {p:0.#} ms above 10× the first step's {first:0.#} ms"));
            }
        }

        counts = [];
        foreach ((string error, long count) in Cumulative(failures))
        {
            long inStep = count - _failuresAtStepStart.GetValueOrDefault(error);
            if (inStep > 0)
            {
                string mode = ModeOf(error);
                counts[mode] = counts.GetValueOrDefault(mode) + inStep;
            }
        }

        long due = window.History.Sum(i => i.DueIterations);
        long dropped = window.History.Sum(i => i.DroppedIterations);
        return new CapacityStep
        {
            Number = _steps.Count + 1,
            Phase = "step",
            Rate = Math.Round(CurrentRate, 4),
            StartSecond = _stepStart,
            JudgedFromSecond = judgedFrom,
            EndSecond = end,
            AchievedRate = Math.Round((due - dropped) / duration, 3),
            Throughput = Math.Round((total.Requests - total.Failures) / duration, 3),
            P50Ms = total.Requests == 0 ? null : total.GetPercentile(50),
            P95Ms = total.Requests == 0 ? null : total.GetPercentile(95),
            P99Ms = p99,
            ErrorRate = Math.Round(total.FailureRatio, 5),
            Requests = total.Requests,
            Pass = reasons.Count == 0,
            Reason = reasons.Count == 0 ? "held" : string.Join("; ", reasons),
            GeneratorBound = window.History.Count(i => i.GeneratorBound) >= 2,
        };
    }

    /// <summary>Recovered when the last <see cref="RecoveredSeconds"/> seconds all had p99 within twice the first step's and under 1% errors.</summary>
    private void JudgeRecovery(IReadOnlyList<IntervalStats> history, long recoveryStart)
    {
        double limit = 2 * (_firstP99 ?? double.PositiveInfinity);
        long end = recoveryStart + _recoverySeconds;
        bool Holds(IntervalStats i) => i.Total.Requests > 0 && i.Total.GetPercentile(99) <= limit && i.Total.FailureRatio < 0.01;
        IntervalStats[] seconds = [.. history.Where(i => i.Second >= recoveryStart && i.Second < end)];
        int from = seconds.Length;
        while (from > 0 && Holds(seconds[from - 1]))
        {
            from--;
        }

        _recovered = seconds.Length - from >= Math.Min(RecoveredSeconds, seconds.Length);
        _recoveredAfter = _recovered == true ? from : null;
        RowStats phase = WindowStats.Of(history, recoveryStart, end).Total;
        _steps.Add(new CapacityStep
        {
            Number = _steps.Count + 1,
            Phase = "recovery",
            Rate = Math.Round(_recoveryRate ?? 0, 4),
            StartSecond = recoveryStart,
            JudgedFromSecond = recoveryStart,
            EndSecond = end,
            AchievedRate = Math.Round(seconds.Sum(i => i.DueIterations - i.DroppedIterations) / Math.Max(1e-9, seconds.Sum(i => i.DurationSeconds)), 3),
            Throughput = Math.Round(seconds.Sum(i => i.Total.Requests - i.Total.Failures) / Math.Max(1e-9, seconds.Sum(i => i.DurationSeconds)), 3),
            P50Ms = phase.Requests == 0 ? null : phase.GetPercentile(50),
            P95Ms = phase.Requests == 0 ? null : phase.GetPercentile(95),
            P99Ms = phase.Requests == 0 ? null : phase.GetPercentile(99),
            ErrorRate = Math.Round(phase.FailureRatio, 5),
            Requests = phase.Requests,
            Pass = _recovered == true,
            Reason = _recovered == true ? Fmt($"held from {from} s into the recovery") : Fmt($"the last {RecoveredSeconds} s did not all hold p99 ≤ {limit:0.#} ms with < 1% errors"),
        });
    }

    private static string Mode(Dictionary<string, long> counts, CapacityStep broken) =>
        broken.Reason.Contains("error_rate", StringComparison.Ordinal) && counts.Count > 0
            ? counts.OrderByDescending(c => c.Value).First().Key
            : "latency";

    /// <summary>The failure mode of a failure reason (the texts of <c>Http.FailureReason</c>).</summary>
    internal static string ModeOf(string error) =>
        error.StartsWith("HTTP 429", StringComparison.Ordinal) ? "http-429"
        : error.StartsWith("HTTP 5", StringComparison.Ordinal) ? "http-5xx"
        : error.StartsWith("Timeout", StringComparison.Ordinal) || error.StartsWith("ConnectTimeout", StringComparison.Ordinal) ? "timeouts"
        : error.StartsWith("ConnectionRefused", StringComparison.Ordinal) ? "refused"
        : error.StartsWith("ConnectionReset", StringComparison.Ordinal) || error.StartsWith("ResponseEnded", StringComparison.Ordinal) || error.StartsWith("IOError", StringComparison.Ordinal) ? "resets"
        : "other-errors";

    private static Dictionary<string, long> Cumulative(IReadOnlyList<FailureStats> failures)
    {
        var byError = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (FailureStats f in failures)
        {
            byError[f.Error] = byError.GetValueOrDefault(f.Error) + f.Occurrences;
        }

        return byError;
    }

    private static string Fmt(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
