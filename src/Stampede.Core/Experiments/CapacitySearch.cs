using System.Globalization;
using Stampede.Analysis;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Experiments;

/// <summary>
/// Finds the highest open-model rate that meets an SLO, as MLPerf LoadGen and guidellm search for a maximum
/// rate: steps of <see cref="CapacitySearchOptions.StepTime"/>, the rate growing by
/// <see cref="CapacitySearchOptions.GrowthFactor"/> until a step fails, then bisecting between the last passing
/// and the first failing rate until they are within <see cref="CapacitySearchOptions.Precision"/>.
/// </summary>
/// <remarks>
/// A step is judged on its seconds after the warm-up: every threshold measured on those seconds' requests (their
/// histograms merged exactly), the arrivals started against those due (an overloaded server leaves arrivals
/// without a free user, and they are dropped), and the generator's health. A failing step where the generator was
/// bound ends the search as invalid rather than as a low capacity (a passing one still met the SLO, and is marked).
/// Called once a second by the run, from one thread.
/// </remarks>
internal sealed class CapacitySearch : IRateExperiment
{
    /// <summary>A step whose iterations started fall below this share of those due fails: the target could not take the rate.</summary>
    public const double MinimumStartedShare = 0.95;

    private readonly CapacitySearchOptions _options;
    private readonly IReadOnlyList<Threshold> _slo;
    private readonly int _stepSeconds;
    private readonly int _warmupSeconds;
    private readonly List<CapacityStep> _steps = [];
    private double? _lastPass;
    private double? _firstFail;
    private bool _bisecting;
    private long _stepStart;
    private bool _invalid;
    private bool _atLeast;
    private double? _coolingSince;

    public CapacitySearch(CapacitySearchOptions options, IReadOnlyList<Threshold> slo)
    {
        _options = options;
        _slo = slo;
        _stepSeconds = Math.Max(1, (int)Math.Round(options.StepTime.TotalSeconds));
        _warmupSeconds = Math.Clamp((int)Math.Round(options.EffectiveWarmup.TotalSeconds), 0, _stepSeconds - 1);
        CurrentRate = options.StartRate;
    }

    /// <inheritdoc/>
    public double StartRate => _options.StartRate;

    /// <inheritdoc/>
    public (double Rate, long AtSecond)? OnSecond(StatsSnapshot live, int busyIterations) => OnSecond(live.History, live.Elapsed.TotalSeconds, busyIterations);

    /// <summary>The rate of the step running now, iterations/s.</summary>
    public double CurrentRate { get; private set; }

    /// <summary>Whether the search has its answer (or cannot go on).</summary>
    public bool Finished { get; private set; }

    /// <summary>The steps judged so far.</summary>
    public IReadOnlyList<CapacityStep> Steps => _steps;

    /// <inheritdoc/>
    public ExperimentProgress Progress(double nowSeconds)
    {
        string phase = Finished ? "done" : _coolingSince is not null ? "drain" : _bisecting ? "bisect" : "grow";
        int? stepLeft = phase is "grow" or "bisect" ? Math.Max(0, (int)Math.Ceiling(_stepStart + _stepSeconds - nowSeconds)) : null;
        int? stepsLeft = Finished ? 0 : StepsLeft();
        int? secondsLeft = stepsLeft is not { } n ? null : n == 0 ? 0 : (stepLeft ?? _stepSeconds) + ((n - 1) * _stepSeconds);
        string last = _steps.Count == 0 ? "first step" : Fmt($"last {_steps[^1].Rate:0.##}/s {(_steps[^1].Pass ? "passed" : "failed")}");
        string bracket = _bisecting && !Finished ? Fmt($", bracket {_lastPass:0.##}–{_firstFail:0.##}/s") : string.Empty;
        string left = secondsLeft is { } total && !Finished ? Fmt($", about {Duration(total)} left") : string.Empty;
        string text = phase switch
        {
            "done" => Fmt($"Capacity search done after {_steps.Count} steps"),
            "drain" => Fmt($"Capacity search: letting the target drain before step {_steps.Count + 1} at {CurrentRate:0.##}/s, {last}{bracket}{left}"),
            _ => Fmt($"Capacity search: step {_steps.Count + 1} ({phase}) at {CurrentRate:0.##}/s, {stepLeft} s left in it, {last}{bracket}{left}"),
        };
        return new ExperimentProgress
        {
            Kind = "capacity",
            Phase = phase,
            Step = Finished ? _steps.Count : _steps.Count + 1,
            Rate = Math.Round(CurrentRate, 4),
            StepSecondsLeft = stepLeft,
            SecondsLeft = secondsLeft,
            LastPassRate = _lastPass,
            FirstFailRate = _firstFail,
            Steps = [.. _steps],
            Text = text,
        };
    }

    /// <summary>
    /// Looks at the closed history once a second. When the running step's seconds have all closed, judges it and
    /// decides: the next rate (from the next whole second, <paramref name="nowSeconds"/> rounded up) or the end. After
    /// a failing step the rate drops to a trickle (1/s, or the start rate if lower) until <paramref name="busyIterations"/>
    /// falls to its level (at most three step times, 5 s at least), then the next step starts.
    /// </summary>
    /// <returns>The next step's rate and start second, or <see langword="null"/> when the step goes on or the search finished.</returns>
    public (double Rate, long AtSecond)? OnSecond(IReadOnlyList<IntervalStats> history, double nowSeconds, int busyIterations = 0)
    {
        if (Finished)
        {
            return null;
        }

        if (_coolingSince is { } since)
        {
            // After a failing step the target's queue is full: arrivals pause until every iteration in flight has
            // ended (or a step's time has passed), so the next step does not inherit the backlog.
            // At most three step times (5 s at least): an LLM server's queue of long streams can take longer than one.
            if (busyIterations > 2 && nowSeconds - since < Math.Max(5, 3 * _stepSeconds))
            {
                return null;
            }

            _coolingSince = null;
            _stepStart = (long)Math.Ceiling(nowSeconds);
            return (CurrentRate, _stepStart);
        }

        if (history.Count < _stepStart + _stepSeconds)
        {
            return null;
        }

        CapacityStep step = Judge(history);
        _steps.Add(step);
        double? next = Decide(step);
        if (next is not { } rate)
        {
            Finished = true;
            return null;
        }

        CurrentRate = rate;
        if (!step.Pass)
        {
            // A trickle rather than 0: a schedule whose rate is 0 has no next arrival, and the dispatcher would stop.
            _coolingSince = nowSeconds;
            return (Math.Min(1, _options.StartRate), (long)Math.Ceiling(nowSeconds));
        }

        _stepStart = Math.Max(_stepStart + _stepSeconds, (long)Math.Ceiling(nowSeconds));
        return (rate, _stepStart);
    }

    /// <summary>The search's result so far; <paramref name="limitedBy"/> is the resource that limited the first failing step, when known.</summary>
    public CapacityAnalysis Result(string? limitedBy)
    {
        IReadOnlyList<string> slo = [.. _slo.Select(t => t.Expression)];
        bool converged = Finished && !_invalid;
        string sloText = string.Join(", ", slo);
        string summary;
        if (_invalid)
        {
            CapacityStep bound = _steps[^1];
            summary = Fmt($"INVALID: the generator was bound during the step at {bound.Rate:0.##}/s, so the search measured the generator, not the target{(_lastPass is { } p ? Fmt($"; the highest rate that passed before it was {p:0.##}/s") : string.Empty)}.");
        }
        else if (!Finished)
        {
            summary = _lastPass is { } p
                ? Fmt($"Stopped before it converged after {_steps.Count} steps: {p:0.##}/s met the SLO ({sloText}){(_firstFail is { } f ? Fmt($", {f:0.##}/s did not") : string.Empty)}.")
                : Fmt($"Stopped before any step met the SLO ({sloText}).");
        }
        else if (_lastPass is null)
        {
            summary = Fmt($"Even the first step, {_steps[0].Rate:0.##}/s, failed the SLO ({sloText}): {_steps[0].Reason}; start lower with --rate.");
        }
        else if (_atLeast)
        {
            summary = Fmt($"At least {_lastPass:0.##}/s: the highest rate tried (--max-rate) still met the SLO ({sloText}).");
        }
        else
        {
            CapacityStep fail = _steps.Where(s => !s.Pass).OrderBy(s => s.Rate).First();
            summary = Fmt($"Capacity under the SLO ({sloText}): {_lastPass:0.##} iterations/s (the next rate tried, {_firstFail:0.##}/s, failed: {fail.Reason}; within {_options.Precision:0.#%}){(limitedBy is null ? string.Empty : $"; limited by {limitedBy}")}.");
        }

        return new CapacityAnalysis
        {
            MaxRate = _lastPass,
            AtLeast = _atLeast,
            Valid = converged,
            Summary = summary,
            Slo = slo,
            Steps = [.. _steps],
            LimitedBy = limitedBy,
        };
    }

    /// <summary>The first failing step with the lowest rate: where the target's limit showed.</summary>
    public CapacityStep? FirstFailingStep => _steps.Where(s => !s.Pass && !s.GeneratorBound).OrderBy(s => s.Rate).FirstOrDefault();

    private double? Decide(CapacityStep step)
    {
        // A step that met the SLO with the generator bound still met it; one that failed so proves nothing about the target.
        if (step.GeneratorBound && !step.Pass)
        {
            _invalid = true;
            return null;
        }

        if (step.Pass)
        {
            _lastPass = Math.Max(_lastPass ?? 0, step.Rate);
        }
        else
        {
            _firstFail = Math.Min(_firstFail ?? double.PositiveInfinity, step.Rate);
        }

        if (!_bisecting)
        {
            if (step.Pass)
            {
                if (_options.MaxRate is { } max && step.Rate >= max)
                {
                    _atLeast = true;
                    return null;
                }

                double grown = step.Rate * _options.GrowthFactor;
                return _options.MaxRate is { } cap ? Math.Min(grown, cap) : grown;
            }

            if (_lastPass is null)
            {
                return null;
            }

            _bisecting = true;
        }

        if ((_firstFail!.Value - _lastPass!.Value) / _lastPass.Value <= _options.Precision)
        {
            return null;
        }

        return (_lastPass.Value + _firstFail.Value) / 2;
    }

    /// <summary>The steps left, the running (or next) one included; <see langword="null"/> while growing with no <c>--max-rate</c>.</summary>
    private int? StepsLeft()
    {
        // Each bisection step halves the bracket; the search ends once it is within the precision of the passing rate.
        static int Halvings(double ratio, double precision) => ratio <= precision ? 0 : (int)Math.Ceiling(Math.Log2(ratio / precision));

        if (_bisecting)
        {
            return Math.Max(1, Halvings((_firstFail!.Value - _lastPass!.Value) / _lastPass.Value, _options.Precision));
        }

        if (_options.MaxRate is not { } max)
        {
            return null;
        }

        // Growing: the steps up to --max-rate, then, should one of them fail, the bisection of a bracket one growth factor wide.
        int grow = CurrentRate >= max ? 1 : 1 + (int)Math.Ceiling(Math.Log(max / CurrentRate) / Math.Log(_options.GrowthFactor));
        return grow + Halvings(_options.GrowthFactor - 1, _options.Precision);
    }

    private static string Duration(int seconds) => seconds < 120 ? Fmt($"{seconds} s") : Fmt($"{seconds / 60} min {seconds % 60:00} s");

    private CapacityStep Judge(IReadOnlyList<IntervalStats> history)
    {
        long judgedFrom = _stepStart + _warmupSeconds;
        long end = _stepStart + _stepSeconds;
        StatsSnapshot window = WindowStats.Of(history, judgedFrom, end);
        IntervalStats[] seconds = [.. window.History];
        double duration = Math.Max(1e-9, seconds.Sum(i => i.DurationSeconds));
        long due = seconds.Sum(i => i.DueIterations);
        long dropped = seconds.Sum(i => i.DroppedIterations);
        double achieved = (due - dropped) / duration;
        // One bound second (a lag blip while the pool grows under overload) does not make a step the generator's:
        // at least two, and a third of the judged seconds, must be bound.
        int boundSeconds = seconds.Count(i => i.GeneratorBound);
        bool bound = boundSeconds > 0 && boundSeconds >= Math.Min(seconds.Length, Math.Max(2, (int)Math.Ceiling(seconds.Length / 3.0)));

        var reasons = new List<string>();
        foreach (ThresholdResult result in ThresholdEvaluator.Evaluate(_slo, window))
        {
            if (result.Outcome == CheckOutcome.Failed)
            {
                reasons.Add($"{result.Threshold.Expression} ({result.Threshold.MetricName} = {result.MeasuredText})");
            }
            else if (result.Outcome == CheckOutcome.NoData)
            {
                reasons.Add($"{result.Threshold.Expression} had no data ({result.Note})");
            }
        }

        if (due > 0 && achieved < MinimumStartedShare * (due / duration))
        {
            reasons.Add(Fmt($"only {achieved:0.##} of {due / duration:0.##} iterations/s started ({dropped} dropped: every user busy)"));
        }

        if (bound && reasons.Count > 0)
        {
            reasons.Insert(0, "the generator was bound");
        }

        RowStats total = window.Total;
        return new CapacityStep
        {
            Number = _steps.Count + 1,
            Phase = _bisecting ? "bisect" : "grow",
            Rate = Math.Round(CurrentRate, 4),
            StartSecond = _stepStart,
            JudgedFromSecond = judgedFrom,
            EndSecond = end,
            AchievedRate = Math.Round(achieved, 3),
            Throughput = Math.Round((total.Requests - total.Failures) / duration, 3),
            P50Ms = total.Requests == 0 ? null : total.GetPercentile(50),
            P95Ms = total.Requests == 0 ? null : total.GetPercentile(95),
            P99Ms = total.Requests == 0 ? null : total.GetPercentile(99),
            ErrorRate = Math.Round(total.FailureRatio, 5),
            Requests = total.Requests,
            Pass = reasons.Count == 0,
            Reason = reasons.Count == 0 ? "met the SLO" : string.Join("; ", reasons),
            GeneratorBound = bound,
        };
    }

    private static string Fmt(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
