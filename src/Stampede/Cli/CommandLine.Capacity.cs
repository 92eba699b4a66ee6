using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Stampede.Cli;

/// <summary>The flags of the experiments that steer the rate: the capacity search (the highest rate that meets the SLO) and the stress test (the breaking point).</summary>
internal sealed partial class CommandLine
{
    private readonly Option<bool> _findCapacity = new("--find-capacity") { Description = "Search for the highest rate that meets every --slo: open-model steps from --rate (default 1/s) that double until one fails, then bisect to --precision." };
    private readonly Option<double?> _maxRate = new("--max-rate") { Description = "With --find-capacity: the highest rate tried, iterations/s." };
    private readonly Option<TimeSpan> _stepTime = new("--step-time") { Description = "With --find-capacity: how long each step runs (default 30s).", DefaultValueFactory = _ => TimeSpan.FromSeconds(30) };
    private readonly Option<TimeSpan?> _stepWarmup = new("--step-warmup") { Description = "With --find-capacity: the first part of each step not judged (default 20% of --step-time)." };
    private readonly Option<double> _precision = new("--precision") { Description = "With --find-capacity: stop bisecting when the failing and passing rates are this close, e.g. 5% (the default).", DefaultValueFactory = _ => 0.05 };

    private readonly Option<bool> _stress = new("--stress") { Description = "Stress to the breaking point: open-model steps from --rate, adding --step (or multiplying by --step-factor) every --step-time until a step breaks (--break-when), then --recovery-rate for --recovery-time." };
    private readonly Option<double?> _step = new("--step") { Description = "With --stress: what each step adds to the rate, iterations/s (default: the first step's rate)." };
    private readonly Option<double?> _stepFactor = new("--step-factor") { Description = "With --stress: multiply the rate by this each step instead, e.g. 1.5." };
    private readonly Option<IReadOnlyList<Analysis.Threshold>> _breakWhen = new("--break-when")
    {
        Description = "With --stress: a step breaks when this holds on its requests, in the threshold language, e.g. \"error_rate>5%\" or \"p99>2s\"; repeatable (default: error_rate>5%, or p99 above 10× the first step's).",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<double?> _recoveryRate = new("--recovery-rate") { Description = "With --stress: the rate held after the break (default half the breaking rate)." };
    private readonly Option<TimeSpan> _recoveryTime = new("--recovery-time") { Description = "With --stress: how long the recovery rate is held (default 30s).", DefaultValueFactory = _ => TimeSpan.FromSeconds(30) };

    private Option[] CapacityOptions => [_findCapacity, _maxRate, _stepTime, _stepWarmup, _precision, _stress, _step, _stepFactor, _breakWhen, _recoveryRate, _recoveryTime];

    private void ConfigureCapacityOptions()
    {
        _maxRate.CustomParser = r => ParseNonNegativeDouble(r, "--max-rate", "iterations per second above 0, e.g. --max-rate 500");
        _stepTime.CustomParser = r =>
        {
            TimeSpan? value = ParsePositiveDuration(r, "--step-time");
            if (value is { } v && v < TimeSpan.FromSeconds(2))
            {
                r.AddError($"--step-time: '{Token(r)}' is too short; give at least 2s (30s or more lets queues reach their steady level).");
            }

            return value ?? TimeSpan.FromSeconds(30);
        };
        _stepWarmup.CustomParser = r => ParseDuration(r, "--step-warmup", allowZero: true);
        _step.CustomParser = r => ParseNonNegativeDouble(r, "--step", "iterations per second above 0, e.g. --step 10");
        _stepFactor.CustomParser = r => ParseNonNegativeDouble(r, "--step-factor", "a factor above 1, e.g. --step-factor 1.5");
        _recoveryRate.CustomParser = r => ParseNonNegativeDouble(r, "--recovery-rate", "iterations per second, 0 or more");
        _recoveryTime.CustomParser = r => ParsePositiveDuration(r, "--recovery-time") ?? TimeSpan.FromSeconds(30);
        _breakWhen.CustomParser = r =>
        {
            var conditions = new List<Analysis.Threshold>();
            foreach (Token token in r.Tokens)
            {
                try
                {
                    conditions.Add(Analysis.Threshold.Parse(token.Value));
                }
                catch (Analysis.ThresholdSyntaxException e)
                {
                    r.AddError($"--break-when: {e.Message}");
                }
            }

            return conditions;
        };
        _precision.CustomParser = r =>
        {
            string token = Token(r);
            if (TryParseTolerance(token, out double ratio) && ratio is > 0 and < 1)
            {
                return ratio;
            }

            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double share) && share is > 0 and < 1)
            {
                return share;
            }

            r.AddError($"--precision: '{token}' is not valid; give a percent above 0% and below 100%, e.g. --precision 5%.");
            return 0.05;
        };
    }

    private CliSettings WithCapacity(CliSettings settings, ParseResult result) => settings with
    {
        FindCapacity = result.GetValue(_findCapacity),
        MaxRate = result.GetValue(_maxRate),
        StepTime = result.GetValue(_stepTime),
        StepWarmup = result.GetValue(_stepWarmup),
        Precision = result.GetValue(_precision),
        Stress = result.GetValue(_stress),
        StepRate = result.GetValue(_step),
        StepFactor = result.GetValue(_stepFactor),
        BreakWhen = result.GetValue(_breakWhen) ?? [],
        RecoveryRate = result.GetValue(_recoveryRate),
        RecoveryTime = result.GetValue(_recoveryTime),
    };

    /// <summary>What the capacity search cannot be combined with, and what it needs.</summary>
    private void CapacityConflicts(CliSettings settings, ParseResult result, List<string> conflicts)
    {
        if (settings.Stress)
        {
            StressConflicts(settings, result, conflicts);
            return;
        }

        if (!settings.FindCapacity)
        {
            foreach (Option option in new Option[] { _maxRate, _stepTime, _stepWarmup, _precision })
            {
                if (result.GetResult(option) is { Implicit: false })
                {
                    conflicts.Add($"{option.Name} applies to the capacity search only: add --find-capacity (--step-time also to --stress).");
                }
            }

            foreach (Option option in new Option[] { _step, _stepFactor, _breakWhen, _recoveryRate, _recoveryTime })
            {
                if (result.GetResult(option) is { Implicit: false })
                {
                    conflicts.Add($"{option.Name} applies to the stress test only: add --stress.");
                }
            }

            return;
        }

        if (settings.Slos.Count == 0)
        {
            conflicts.Add("--find-capacity needs the SLO each step must meet: add at least one --slo, e.g. --slo \"p95<300ms\" --slo \"error_rate<1%\".");
        }

        if (settings.RateStages is not null)
        {
            conflicts.Add("--find-capacity sets each step's rate itself: leave out --rate-stages (--rate gives the first step's rate).");
        }

        if (settings.StepWarmup is { } warmup && warmup > settings.StepTime - TimeSpan.FromSeconds(1))
        {
            conflicts.Add($"--step-warmup {warmup.TotalSeconds:0.###}s leaves no second of the {settings.StepTime.TotalSeconds:0.###}s step to judge; give a shorter warm-up or a longer --step-time.");
        }

        if (settings.MaxRate is { } max && max < (settings.Rate ?? 1))
        {
            conflicts.Add($"--max-rate {max} is below the first step's rate {settings.Rate ?? 1} (--rate); give a higher --max-rate.");
        }
    }

    private void StressConflicts(CliSettings settings, ParseResult result, List<string> conflicts)
    {
        if (settings.FindCapacity)
        {
            conflicts.Add("--stress and --find-capacity are two experiments: run one at a time.");
        }

        if (settings.RateStages is not null)
        {
            conflicts.Add("--stress sets each step's rate itself: leave out --rate-stages (--rate gives the first step's rate).");
        }

        if (settings.StepRate is not null && settings.StepFactor is not null)
        {
            conflicts.Add("--step adds to the rate and --step-factor multiplies it: give one.");
        }

        if (settings.StepFactor is { } factor && !(factor > 1))
        {
            conflicts.Add($"--step-factor {factor} would not raise the rate; give a factor above 1, e.g. 1.5.");
        }

        foreach (Option option in new Option[] { _maxRate, _stepWarmup, _precision })
        {
            if (result.GetResult(option) is { Implicit: false })
            {
                conflicts.Add($"{option.Name} applies to the capacity search only: --stress judges each step after a 20% warm-up and stops at the first break.");
            }
        }
    }
}
