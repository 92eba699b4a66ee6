using System.CommandLine;

namespace Stampede.Cli;

/// <summary>The soak flag: drift of latency or memory as a check (docs/soak.md).</summary>
internal sealed partial class CommandLine
{
    private readonly Option<bool> _soak = new("--soak")
    {
        Description = "A soak: a p95 response time or memory series whose trend is rising (Theil–Sen slope, 95% interval above 0, change of 10% of its median or more) fails the checks, exit code 3; so does a run with fewer than 60 s after its warm-up. Without it the drift is reported, never failed.",
    };

    private Option[] SoakOptions => [_soak];

    private CliSettings WithSoak(CliSettings settings, ParseResult result) => settings with { Soak = result.GetValue(_soak) };
}
