using System.CommandLine;
using System.CommandLine.Parsing;
using Stampede.Web;

namespace Stampede.Cli;

/// <summary>The flags of the live web dashboard (Locust's names): where it listens, who may use it, and whether it starts a run at once.</summary>
internal sealed partial class CommandLine
{
    private readonly Option<string> _webHost = new("--web-host")
    {
        Description = "Address the web dashboard binds to (default 127.0.0.1, this machine only); any other address needs --web-auth.",
        DefaultValueFactory = _ => DashboardOptions.DefaultHost,
    };

    private readonly Option<int> _webPort = new("--web-port", "-P")
    {
        Description = "Port of the web dashboard (default 8089, Locust's; 0 picks a free one).",
        DefaultValueFactory = _ => DashboardOptions.DefaultPort,
        CustomParser = r => ParseInt(r, "--web-port", min: 0, "a TCP port from 1 to 65535, or 0 for a free one", max: 65535),
    };

    private readonly Option<string?> _webAuth = new("--web-auth")
    {
        Description = "user:password the web dashboard asks for (HTTP Basic) on every request; needed to bind --web-host to anything but loopback. STAMPEDE_WEB_AUTH keeps it out of the process list.",
    };

    private readonly Option<bool> _autostart = new("--autostart")
    {
        Description = "With the web dashboard: start a run with --users, --spawn-rate and --host at once, as if Start was pressed.",
    };

    private Option[] WebOptions => [_webHost, _webPort, _webAuth, _autostart];

    private CliSettings WithWeb(CliSettings settings, ParseResult result) => settings with
    {
        WebHost = result.GetValue(_webHost) ?? DashboardOptions.DefaultHost,
        WebPort = result.GetValue(_webPort),
        WebAuth = result.GetValue(_webAuth),
        Autostart = result.GetValue(_autostart),
    };
}
