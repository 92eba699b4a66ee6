namespace Stampede.Cli;

/// <summary>Whether the run is a soak.</summary>
internal sealed partial record CliSettings
{
    /// <summary><c>--soak</c>: a rising latency or memory drift fails the checks (exit 3).</summary>
    public bool Soak { get; init; }
}
