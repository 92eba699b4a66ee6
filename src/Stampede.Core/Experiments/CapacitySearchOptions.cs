using System.Globalization;

namespace Stampede.Experiments;

/// <summary>
/// Settings of a capacity search (<c>--find-capacity</c>): open-model steps at rising rates, each judged by the
/// run's thresholds (<see cref="Load.LoadTestOptions.Thresholds"/>, the SLO to keep), then a bisection between the
/// last passing and the first failing rate.
/// </summary>
public sealed class CapacitySearchOptions
{
    /// <summary>The first step's rate, iterations/s (<c>--rate</c>).</summary>
    /// <value>1.</value>
    public double StartRate { get; set; } = 1;

    /// <summary>The highest rate tried (<c>--max-rate</c>); a pass there ends the search with "at least".</summary>
    /// <value><see langword="null"/>: no limit.</value>
    public double? MaxRate { get; set; }

    /// <summary>How long each step runs (<c>--step-time</c>).</summary>
    /// <remarks>Longer steps let queues build up to their steady level, so an overload shows; shorter ones finish sooner.</remarks>
    /// <value>30 s.</value>
    public TimeSpan StepTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first part of each step that is not judged (<c>--step-warmup</c>), while the server settles at the new rate.</summary>
    /// <value><see langword="null"/>: 20% of <see cref="StepTime"/>.</value>
    public TimeSpan? StepWarmup { get; set; }

    /// <summary>The relative width at which the bisection stops (<c>--precision</c>): (first failing − last passing) / last passing.</summary>
    /// <value>0.05 (5%).</value>
    public double Precision { get; set; } = 0.05;

    /// <summary>The factor by which the rate grows until a step fails.</summary>
    /// <value>2.</value>
    public double GrowthFactor { get; set; } = 2;

    internal TimeSpan EffectiveWarmup => StepWarmup ?? TimeSpan.FromTicks(StepTime.Ticks / 5);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(StartRate > 0) || double.IsInfinity(StartRate))
        {
            throw Invalid(nameof(StartRate), StartRate, "a rate above 0 iterations/s");
        }

        if (MaxRate is { } max && (!(max >= StartRate) || double.IsInfinity(max)))
        {
            throw Invalid(nameof(MaxRate), max, $"a rate of at least the start rate ({StartRate.ToString(CultureInfo.InvariantCulture)}/s)");
        }

        if (StepTime < TimeSpan.FromSeconds(1))
        {
            throw Invalid(nameof(StepTime), StepTime, "at least 1 s");
        }

        if (EffectiveWarmup < TimeSpan.Zero || EffectiveWarmup > StepTime - TimeSpan.FromSeconds(1))
        {
            throw Invalid(nameof(StepWarmup), EffectiveWarmup, "from 0 to 1 s less than the step time");
        }

        if (!(Precision > 0 && Precision < 1))
        {
            throw Invalid(nameof(Precision), Precision, "a share above 0 and below 1, e.g. 0.05");
        }

        if (!(GrowthFactor > 1) || double.IsInfinity(GrowthFactor))
        {
            throw Invalid(nameof(GrowthFactor), GrowthFactor, "a factor above 1");
        }
    }

    private static ArgumentException Invalid(string option, object value, string valid) =>
        new(string.Create(CultureInfo.InvariantCulture, $"FindCapacity.{option} is {value}; it must be {valid}."), option);
}
