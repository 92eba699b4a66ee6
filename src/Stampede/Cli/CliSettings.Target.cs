using Stampede.Monitoring;

namespace Stampede.Cli;

/// <summary>What the run watches on the system under test.</summary>
internal sealed partial record CliSettings
{
    /// <summary><c>--metrics-url [NAME=]URL</c>, repeated.</summary>
    public IReadOnlyList<MetricsEndpoint> MetricsEndpoints { get; init; } = [];

    /// <summary><c>--metrics-interval</c>.</summary>
    public TimeSpan MetricsInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>--metrics-timeout</c>.</summary>
    public TimeSpan MetricsTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary><c>--watch-pid PID</c>, repeated.</summary>
    public IReadOnlyList<int> WatchPids { get; init; } = [];

    /// <summary><c>--watch RESOURCE=SERIES</c>, repeated.</summary>
    public IReadOnlyList<SeriesMapping> Watches { get; init; } = [];
}
