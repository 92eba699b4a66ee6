using System.Globalization;
using Stampede.Analysis;

namespace Stampede.Experiments;

/// <summary>
/// Settings of a stress test to the breaking point (<c>--stress</c>): open-model steps of rising rate until one
/// breaks, then a recovery phase at a lower rate to see whether the target comes back.
/// </summary>
public sealed class StressTestOptions
{
    /// <summary>The first step's rate, iterations/s (<c>--rate</c>).</summary>
    /// <value>1.</value>
    public double StartRate { get; set; } = 1;

    /// <summary>What each step adds to the rate (<c>--step</c>), iterations/s.</summary>
    /// <value><see langword="null"/>: <see cref="StartRate"/>, unless <see cref="StepFactor"/> is set.</value>
    public double? StepRate { get; set; }

    /// <summary>What each step multiplies the rate by (<c>--step-factor</c>), instead of adding <see cref="StepRate"/>.</summary>
    /// <value><see langword="null"/>.</value>
    public double? StepFactor { get; set; }

    /// <summary>How long each step runs (<c>--step-time</c>); its first 20% is not judged.</summary>
    /// <value>30 s.</value>
    public TimeSpan StepTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When a step breaks (<c>--break-when</c>), in the threshold language but read as a condition: a step breaks
    /// when any of these holds on its requests, e.g. <c>error_rate&gt;5%</c> or <c>p99&gt;2s</c>.
    /// </summary>
    /// <value>Empty: an error rate above 5%, or a p99 above ten times the first step's.</value>
    public IReadOnlyList<Threshold> BreakWhen { get; set; } = [];

    /// <summary>The rate held after the break (<c>--recovery-rate</c>), iterations/s.</summary>
    /// <value><see langword="null"/>: half the breaking rate.</value>
    public double? RecoveryRate { get; set; }

    /// <summary>How long the recovery rate is held (<c>--recovery-time</c>).</summary>
    /// <value>30 s.</value>
    public TimeSpan RecoveryTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most steps before the test gives up without a break.</summary>
    /// <value>50.</value>
    public int MaxSteps { get; set; } = 50;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(StartRate > 0) || double.IsInfinity(StartRate))
        {
            throw Invalid(nameof(StartRate), StartRate, "a rate above 0 iterations/s");
        }

        if (StepRate is { } step && (!(step > 0) || double.IsInfinity(step)))
        {
            throw Invalid(nameof(StepRate), step, "a rate above 0 iterations/s");
        }

        if (StepFactor is { } factor && (!(factor > 1) || double.IsInfinity(factor)))
        {
            throw Invalid(nameof(StepFactor), factor, "a factor above 1");
        }

        if (StepTime < TimeSpan.FromSeconds(2))
        {
            throw Invalid(nameof(StepTime), StepTime, "at least 2 s");
        }

        if (RecoveryRate is { } recovery && (!(recovery >= 0) || double.IsInfinity(recovery)))
        {
            throw Invalid(nameof(RecoveryRate), recovery, "a rate of 0 or more");
        }

        if (RecoveryTime < TimeSpan.FromSeconds(2))
        {
            throw Invalid(nameof(RecoveryTime), RecoveryTime, "at least 2 s");
        }

        if (MaxSteps < 1)
        {
            throw Invalid(nameof(MaxSteps), MaxSteps, "1 or more");
        }
    }

    private static ArgumentException Invalid(string option, object value, string valid) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Stress.{option} is {value}; it must be {valid}."), option);
}
