using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Stampede.Cli;

/// <summary>The flags that start the system under test and measure its cold start (Playwright's <c>webServer</c> convention).</summary>
internal sealed partial class CommandLine
{
    private readonly Option<string?> _targetCommand = new("--target-command")
    {
        Description = "Start the model server with this shell command (its own process group, output in target.log beside the outputs), wait for --target-ready, load it, then stop it (SIGTERM, SIGKILL after 5s), e.g. \"python serve.py --port 8080\".",
    };

    private readonly Option<Uri?> _targetReady = new("--target-ready")
    {
        Description = "With --target-command: the URL that answers 2xx once the server serves, polled every 20 ms, e.g. http://127.0.0.1:8080/v2/health/ready; its origin is the default --host.",
    };

    private readonly Option<TimeSpan> _targetReadyTimeout = new("--target-ready-timeout")
    {
        Description = "With --target-command: how long the server may take to become ready (default 120s).",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(120),
    };

    private readonly Option<int> _coldStarts = new("--cold-starts")
    {
        Description = "With --target-command: start the server this many times (default 1), each time timing spawn → ready and sending each task once; the main run uses the last start.",
        DefaultValueFactory = _ => 1,
    };

    private readonly Option<TimeSpan> _warmup = new("--warmup")
    {
        Description = "Keep the first T seconds of the run out of the steady-state analyses (the cold start's steady p50, reported apart; the drift trends); the request tables keep the whole run (default 0).",
    };

    private Option[] ColdStartOptions => [_targetCommand, _targetReady, _targetReadyTimeout, _coldStarts, _warmup];

    private void ConfigureColdStartOptions()
    {
        _targetCommand.CustomParser = r =>
        {
            string token = Token(r);
            if (string.IsNullOrWhiteSpace(token))
            {
                r.AddError("--target-command: an empty command is not valid; give the shell command that starts the server, e.g. --target-command \"python serve.py --port 8080\".");
                return null;
            }

            return token;
        };
        _targetReady.CustomParser = r =>
        {
            string token = Token(r);
            if (!Uri.TryCreate(token, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                r.AddError($"--target-ready: '{token}' is not valid; give an absolute http:// or https:// URL that answers 2xx once the server is ready, e.g. --target-ready http://127.0.0.1:8080/v2/health/ready.");
                return null;
            }

            return uri;
        };
        _targetReadyTimeout.CustomParser = r => ParsePositiveDuration(r, "--target-ready-timeout") ?? TimeSpan.FromSeconds(120);
        _coldStarts.CustomParser = r => ParseInt(r, "--cold-starts", min: 1, "a whole number of starts, 1 or more, e.g. --cold-starts 5", max: 1000);
        _warmup.CustomParser = r => ParseDuration(r, "--warmup", allowZero: true) ?? TimeSpan.Zero;
    }

    private CliSettings WithColdStart(CliSettings settings, ParseResult result)
    {
        Uri? ready = result.GetValue(_targetReady);
        return settings with
        {
            TargetCommand = result.GetValue(_targetCommand),
            TargetReady = ready,
            TargetReadyTimeout = result.GetValue(_targetReadyTimeout),
            ColdStarts = result.GetValue(_coldStarts),
            Warmup = result.GetValue(_warmup),

            // As Playwright's webServer.url: the server that is started is the one under test unless --host says otherwise.
            Host = settings.Host ?? (result.GetValue(_targetCommand) is null ? null : ready?.GetLeftPart(UriPartial.Authority)),
        };
    }

    /// <summary>Cold-start flags that need each other: a command and its ready URL go together; the rest need both.</summary>
    private void ColdStartConflicts(CliSettings settings, ParseResult result, List<string> conflicts)
    {
        if (settings.TargetCommand is not null && settings.TargetReady is null)
        {
            conflicts.Add("--target-command needs --target-ready URL: the URL that answers 2xx once the server serves, e.g. --target-ready http://127.0.0.1:8080/health.");
        }

        if (settings.TargetCommand is null && settings.TargetReady is not null)
        {
            conflicts.Add("--target-ready applies to a server Stampede starts: add --target-command \"CMD\" (for a server that is already running, give --host only).");
        }

        if (settings.TargetCommand is null)
        {
            foreach (Option option in new Option[] { _targetReadyTimeout, _coldStarts })
            {
                if (result.GetResult(option) is { Implicit: false })
                {
                    conflicts.Add(string.Create(CultureInfo.InvariantCulture, $"{option.Name} applies to a server Stampede starts: add --target-command \"CMD\" and --target-ready URL."));
                }
            }
        }

        if (settings.TargetCommand is not null && settings.ColdStarts > 1 && !settings.Headless)
        {
            conflicts.Add("--cold-starts needs --headless: the dashboard starts and stops runs on demand, while the cold starts are measured once, before the first run.");
        }
    }
}
