using Stampede.Cluster;

namespace Stampede.Cli;

/// <summary>A distributed run's settings.</summary>
internal sealed partial record CliSettings
{
    /// <summary>The run's part in a distributed run; <see cref="ClusterSettings.None"/> on one machine.</summary>
    public ClusterSettings Cluster { get; init; } = ClusterSettings.None;

    /// <summary>The arguments as parsed: the command line with the <c>STAMPEDE_*</c> variables it lacked added (what a coordinator sends its agents).</summary>
    public IReadOnlyList<string> EffectiveArguments { get; init; } = [];
}
