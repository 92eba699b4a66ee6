namespace Stampede.Cli;

/// <summary>The capacity search's settings.</summary>
internal sealed partial record CliSettings
{
    /// <summary><c>--find-capacity</c>.</summary>
    public bool FindCapacity { get; init; }

    /// <summary><c>--max-rate</c>, iterations/s.</summary>
    public double? MaxRate { get; init; }

    /// <summary><c>--step-time</c>.</summary>
    public TimeSpan StepTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>--step-warmup</c>; <see langword="null"/> for 20% of the step.</summary>
    public TimeSpan? StepWarmup { get; init; }

    /// <summary><c>--precision</c> as a share (0.05).</summary>
    public double Precision { get; init; } = 0.05;

    /// <summary><c>--stress</c>.</summary>
    public bool Stress { get; init; }

    /// <summary><c>--step</c>, iterations/s.</summary>
    public double? StepRate { get; init; }

    /// <summary><c>--step-factor</c>.</summary>
    public double? StepFactor { get; init; }

    /// <summary><c>--break-when</c>, repeated.</summary>
    public IReadOnlyList<Analysis.Threshold> BreakWhen { get; init; } = [];

    /// <summary><c>--recovery-rate</c>, iterations/s.</summary>
    public double? RecoveryRate { get; init; }

    /// <summary><c>--recovery-time</c>.</summary>
    public TimeSpan RecoveryTime { get; init; } = TimeSpan.FromSeconds(30);
}
