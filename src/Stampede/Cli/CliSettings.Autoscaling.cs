using Stampede.Analysis;

namespace Stampede.Cli;

/// <summary>The autoscaling validation's flags.</summary>
internal sealed partial record CliSettings
{
    /// <summary><c>--expect-scale SERIES</c>: the series that counts the replicas; <see langword="null"/> without the validation.</summary>
    public string? ExpectScale { get; init; }

    /// <summary><c>--stable-for</c>: how long every threshold must hold to count as recovered.</summary>
    public TimeSpan StableFor { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>--max-recovery</c>: the longest spike-to-recovery time that passes.</summary>
    public TimeSpan MaxRecovery { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The validation's options for <see cref="Load.LoadTestOptions.Autoscaling"/>; <see langword="null"/> without <c>--expect-scale</c>.</summary>
    public AutoscalingOptions? ToAutoscalingOptions() => ExpectScale is { } series
        ? new AutoscalingOptions { Series = series, StableFor = StableFor, MaxRecovery = MaxRecovery }
        : null;
}
