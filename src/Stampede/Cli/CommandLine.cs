using System.Collections;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Stampede.Load;

namespace Stampede.Cli;

/// <summary>
/// The scenario app's flags, with Locust's names and meanings, and the same settings from
/// <c>STAMPEDE_*</c> environment variables (a flag on the command line wins).
/// </summary>
internal sealed partial class CommandLine
{
    public const string EnvironmentPrefix = "STAMPEDE_";

    private readonly Option<string?> _host = new("--host", "-H") { Description = "Base URL of the system under test, e.g. http://127.0.0.1:8080." };
    private readonly Option<int> _users = new("--users", "-u") { Description = "Peak number of concurrent users.", DefaultValueFactory = _ => 1 };
    private readonly Option<double> _spawnRate = new("--spawn-rate", "-r") { Description = "Users started (and stopped) per second; fractions allowed.", DefaultValueFactory = _ => 1 };
    private readonly Option<TimeSpan?> _runTime = new("--run-time", "-t") { Description = "Stop after this long: 90s, 5m, 1h30m. Runs until Ctrl-C when absent." };
    private readonly Option<bool> _headless = new("--headless") { Description = "Run without the web dashboard and start at once; without it the dashboard serves http://127.0.0.1:8089 (see --web-host, --web-port)." };
    private readonly Option<string?> _csv = new("--csv") { Description = "Write PREFIX_stats.csv, PREFIX_stats_history.csv, PREFIX_failures.csv and PREFIX_exceptions.csv (Locust's formats)." };
    private readonly Option<bool> _csvFullHistory = new("--csv-full-history") { Description = "Write every row, not only the aggregate, to PREFIX_stats_history.csv." };
    private readonly Option<string?> _json = new("--json") { Description = "Write the whole run as one JSON document (see docs/json-schema.md)." };
    private readonly Option<string?> _html = new("--html") { Description = "Write the run as one self-contained HTML report (charts and tables; opens offline)." };
    private readonly Option<TimeSpan> _stopTimeout = new("--stop-timeout") { Description = "Let stopping users finish their current task for this long (default 0: stop at once)." };
    private readonly Option<int> _exitCodeOnError = new("--exit-code-on-error") { Description = "Exit code when any request failed or any task threw.", DefaultValueFactory = _ => 1 };
    private readonly Option<bool> _onlySummary = new("--only-summary") { Description = "Print only the final summary, not the live table." };
    private readonly Option<LogLevel> _logLevel = new("--loglevel", "-L") { Description = "INFO (default), DEBUG (adds the resolved settings and each second's generator CPU, GC and thread pool on stderr), WARNING (no progress lines), ERROR (no live table) or CRITICAL (summary only).", DefaultValueFactory = _ => LogLevel.Info };
    private readonly Option<string[]> _tags = new("--tags", "-T") { Description = "Run only tasks with any of these tags.", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string[]> _excludeTags = new("--exclude-tags", "-E") { Description = "Skip tasks with any of these tags.", AllowMultipleArgumentsPerToken = true };
    private readonly Option<int?> _seed = new("--seed") { Description = "Seed for every random choice, so a run's task picks and waits repeat." };
    private readonly Option<TimeSpan> _historyInMemory = new("--history-in-memory") { Description = "Keep this much of the per-second history in memory (default 1h); older seconds move to a temp file, so a long soak's memory stays flat. 0 keeps it all in memory." };
    private readonly Option<TimeSpan> _requestTimeout = new("--request-timeout") { Description = "Limit for one request to its last byte (default 60s)." };
    private readonly Option<Version> _httpVersion = new("--http-version") { Description = "1.1 or 2 (plain-text HTTP/2 uses prior knowledge).", DefaultValueFactory = _ => System.Net.HttpVersion.Version11 };
    private readonly Option<bool> _sharedConnections = new("--shared-connections") { Description = "All users share one connection pool instead of one per user." };
    private readonly Option<long> _maxBody = new("--max-body") { Description = "The most of a response body kept for a task to read (default 4MiB); the rest is read, counted and dropped, so a runaway body cannot exhaust memory. 0 keeps none." };
    private readonly Option<bool> _insecure = new("--insecure", "-k") { Description = "Accept any TLS certificate (a test server's self-signed one); the reports say the run used it." };
    private readonly Option<System.Net.IPAddress[]> _sourceAddresses = new("--source-address") { Description = "A local address the users connect from, or an IPv4 range (127.0.0.1-127.0.0.4); repeatable. Users take them in turn: about 28,000 connections per address to one target, so more users need several.", Arity = ArgumentArity.OneOrMore };
    private readonly Option<IReadOnlyList<Stage>?> _stages = new("--stages") { Description = "Stages DURATION:USERS[:RATE],... run one after another, e.g. 30s:10:5,1m:50:10,30s:0." };
    private readonly Option<double?> _rate = new("--rate") { Description = "Open model: start this many iterations (one task each) per second, whatever the server's speed; latency counts from each intended start." };
    private readonly Option<IReadOnlyList<RateStage>?> _rateStages = new("--rate-stages") { Description = "Open model: stages DURATION:RATE,... ramping the rate linearly from --rate (or 0), e.g. 30s:100,2m:100,30s:0; the run ends after the last." };
    private readonly Option<ArrivalProcess> _arrivals = new("--arrivals") { Description = "Open model: constant (evenly spaced) or poisson (random, exponential gaps) arrivals.", DefaultValueFactory = _ => ArrivalProcess.Constant };
    private readonly Option<double> _burstiness = new("--burstiness") { Description = "Open model, poisson arrivals: Gamma shape of the gaps as in vLLM's benchmark; 1 is Poisson, below 1 burstier, above 1 more even.", DefaultValueFactory = _ => 1 };
    private readonly Option<int?> _preAllocatedUsers = new("--pre-allocated-users") { Description = "Open model: users started before the first arrival (k6's preAllocatedVUs; default 10, at most --max-users)." };
    private readonly Option<int?> _maxUsers = new("--max-users") { Description = "Open model: most concurrent iterations (k6's maxVUs; default 1000). An arrival that finds them all busy is dropped and counted." };
    private readonly Option<int> _backlog = new("--backlog") { Description = "Open model: arrivals that may wait for a free user instead of being dropped (default 0); they start late and count from their intended start." };
    private readonly Option<TimeSpan?> _minDuration = new("--min-duration") { Description = "Judge a run shorter than this INVALID (MLPerf LoadGen requires 600s)." };
    private readonly Option<Stampede.Llm.GoodputBounds?> _goodput = new("--goodput") { Description = "LLM streams: per-request bounds of goodput, e.g. \"ttft<500ms,tpot<50ms\" (ttft, tpot, e2e); reports the share and rate of completed streams that met them all (DistServe's goodput, as vLLM's benchmark)." };
    private readonly Option<bool> _keepGoing = new("--keep-going") { Description = "Run on when every request of the first seconds fails without reaching a server (nothing listening, unknown host, TLS failure); by default the run then stops early." };
    private readonly Option<bool> _strict = new("--strict") { Description = "MLPerf LoadGen's rule: a row with too few samples for p50/p90/p95/p99 makes the run INVALID (by default such percentiles are only marked indicative)." };

    private readonly RootCommand _root;

    /// <param name="description">The scenario's description in its help.</param>
    /// <param name="usageName">The command the help's usage names, e.g. <c>stampede run mine.cs</c>; <see langword="null"/> for the executable's name.</param>
    public CommandLine(string description, string? usageName = null)
    {
        _users.CustomParser = r => ParseInt(r, "--users", min: 0, "a whole number of users, 0 or more, e.g. --users 100");
        _spawnRate.CustomParser = r => ParsePositiveDouble(r, "--spawn-rate", "users per second above 0, e.g. --spawn-rate 10 or 0.5");
        _runTime.CustomParser = r => ParsePositiveDuration(r, "--run-time");
        _stopTimeout.CustomParser = r => ParseDuration(r, "--stop-timeout", allowZero: true) ?? TimeSpan.Zero;
        _requestTimeout.CustomParser = r => ParsePositiveDuration(r, "--request-timeout") ?? TimeSpan.FromSeconds(60);
        _sourceAddresses.CustomParser = ParseSourceAddresses;
        _requestTimeout.DefaultValueFactory = _ => TimeSpan.FromSeconds(60);
        _historyInMemory.CustomParser = r => ParseDuration(r, "--history-in-memory", allowZero: true) ?? LoadTestOptions.DefaultHistoryInMemory;
        _historyInMemory.DefaultValueFactory = _ => LoadTestOptions.DefaultHistoryInMemory;
        _maxBody.CustomParser = ParseSize;
        _maxBody.DefaultValueFactory = _ => LoadTestOptions.DefaultMaxBodyBytes;
        _exitCodeOnError.CustomParser = r => ParseInt(r, "--exit-code-on-error", min: 0, "an exit code from 0 to 255", max: 255);
        _seed.CustomParser = r => ParseInt(r, "--seed", min: int.MinValue, "a whole number");
        _logLevel.CustomParser = ParseLogLevel;
        _httpVersion.CustomParser = ParseHttpVersion;
        _stages.CustomParser = ParseStages;
        _rate.CustomParser = r => ParseNonNegativeDouble(r, "--rate", "iterations per second, 0 or more, e.g. --rate 50 or 0.5");
        _rateStages.CustomParser = ParseRateStages;
        _arrivals.CustomParser = ParseArrivals;
        _burstiness.CustomParser = r => ParsePositiveDouble(r, "--burstiness", "a Gamma shape above 0, e.g. 1 (Poisson) or 0.5 (burstier)");
        _preAllocatedUsers.CustomParser = r => ParseInt(r, "--pre-allocated-users", min: 0, "a whole number of users, 0 or more");
        _maxUsers.CustomParser = r => ParseInt(r, "--max-users", min: 1, "a whole number of users, 1 or more");
        _backlog.CustomParser = r => ParseInt(r, "--backlog", min: 0, "a whole number of arrivals, 0 or more");
        _minDuration.CustomParser = r => ParsePositiveDuration(r, "--min-duration");
        _goodput.CustomParser = ParseGoodput;
        _host.Validators.Add(ValidateHost);
        ConfigureGateOptions();
        ConfigureTargetOptions();
        ConfigureAutoscalingOptions();
        ConfigureCapacityOptions();
        ConfigureColdStartOptions();
        ConfigureClusterOptions();

        _root = new RootCommand(description)
        {
            _host, _users, _spawnRate, _runTime, _headless, _csv, _csvFullHistory, _json, _html, _stopTimeout, _exitCodeOnError,
            _onlySummary, _logLevel, _tags, _excludeTags, _seed, _requestTimeout, _httpVersion, _sharedConnections, _insecure, _maxBody, _historyInMemory, _sourceAddresses, _stages,
            _rate, _rateStages, _arrivals, _burstiness, _preAllocatedUsers, _maxUsers, _backlog, _minDuration, _strict, _keepGoing, _goodput,
        };
        foreach (Option option in GateOptions)
        {
            _root.Options.Add(option);
        }

        foreach (Option option in WebOptions)
        {
            _root.Options.Add(option);
        }

        foreach (Option option in TargetOptions)
        {
            _root.Options.Add(option);
        }

        foreach (Option option in SoakOptions)
        {
            _root.Options.Add(option);
        }

        foreach (Option option in ExpectScaleOptions)
        {
            _root.Options.Add(option);
        }

        foreach (Option option in CapacityOptions)
        {
            _root.Options.Add(option);
        }

        foreach (Option option in ColdStartOptions)
        {
            _root.Options.Add(option);
        }

        foreach (Option option in ClusterOptions)
        {
            _root.Options.Add(option);
        }

        if (usageName is not null)
        {
            UsageName.Apply(_root, usageName);
        }
    }

    public RootCommand Root => _root;

    /// <summary>Parses <paramref name="args"/> with <paramref name="environment"/> filling flags the command line lacks.</summary>
    public ParseOutcome Parse(IReadOnlyList<string> args, IDictionary environment)
    {
        (List<string> merged, Dictionary<string, string> fromEnvironment) = MergeEnvironment(args, environment);
        ParseResult result = _root.Parse(merged);
        if (result.Errors.Count == 0 && result.Action is not null)
        {
            // --help or --version: the caller invokes the result to print it.
            return new ParseOutcome(null, [], result);
        }

        if (result.Errors.Count > 0)
        {
            var errors = new List<string>();
            foreach (string parsed in UnknownOptions.Messages(result))
            {
                string message = parsed;
                foreach ((string flag, string variable) in fromEnvironment)
                {
                    if (message.StartsWith(flag + ":", StringComparison.Ordinal))
                    {
                        message = $"{message} (the value came from the environment variable {variable})";
                    }
                }

                if (message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal))
                {
                    message += " It is not a Stampede flag; run with --help to list them.";
                }

                errors.Add(message);
            }

            return new ParseOutcome(null, errors, result);
        }

        var settings = new CliSettings
        {
            Host = result.GetValue(_host),
            Users = result.GetValue(_users),
            SpawnRate = result.GetValue(_spawnRate),
            RunTime = result.GetValue(_runTime),
            Headless = result.GetValue(_headless),
            CsvPrefix = result.GetValue(_csv),
            CsvFullHistory = result.GetValue(_csvFullHistory),
            JsonPath = result.GetValue(_json),
            HtmlPath = result.GetValue(_html),
            StopTimeout = result.GetValue(_stopTimeout),
            ExitCodeOnError = result.GetValue(_exitCodeOnError),
            OnlySummary = result.GetValue(_onlySummary),
            LogLevel = result.GetValue(_logLevel),
            Tags = SplitList(result.GetValue(_tags)),
            ExcludeTags = SplitList(result.GetValue(_excludeTags)),
            Seed = result.GetValue(_seed),
            RequestTimeout = result.GetValue(_requestTimeout),
            HttpVersion = result.GetValue(_httpVersion) ?? System.Net.HttpVersion.Version11,
            SharedConnections = result.GetValue(_sharedConnections),
            Insecure = result.GetValue(_insecure),
            MaxBodyBytes = result.GetValue(_maxBody),
            HistoryInMemory = result.GetValue(_historyInMemory),
            SourceAddresses = result.GetValue(_sourceAddresses) ?? [],
            Stages = result.GetValue(_stages),
            Rate = result.GetValue(_rate),
            RateStages = result.GetValue(_rateStages),
            Arrivals = result.GetValue(_arrivals),
            Burstiness = result.GetValue(_burstiness),
            PreAllocatedUsers = result.GetValue(_preAllocatedUsers),
            MaxUsers = result.GetValue(_maxUsers),
            Backlog = result.GetValue(_backlog),
            MinDuration = result.GetValue(_minDuration),
            Strict = result.GetValue(_strict),
            KeepGoing = result.GetValue(_keepGoing),
            Goodput = result.GetValue(_goodput),
            Arguments = [.. args],
            EffectiveArguments = merged,
        };

        settings = WithGates(settings, result);
        settings = WithWeb(settings, result);
        settings = WithTarget(settings, result);
        settings = WithSoak(settings, result);
        settings = WithAutoscaling(settings, result);
        settings = WithCapacity(settings, result);
        settings = WithColdStart(settings, result);
        settings = WithCluster(settings, result);
        List<string> conflicts = Conflicts(settings, result);
        return conflicts.Count > 0 ? new ParseOutcome(null, conflicts, result) : new ParseOutcome(settings, [], result);
    }

    /// <summary>Flags that contradict each other: the closed model's users with the open model's rate.</summary>
    private List<string> Conflicts(CliSettings settings, ParseResult result)
    {
        var conflicts = new List<string>();
        bool open = settings.Rate is not null || settings.RateStages is not null || settings.FindCapacity || settings.Stress;
        if (open)
        {
            foreach (Option closed in new Option[] { _users, _spawnRate, _stages })
            {
                if (result.GetResult(closed) is { Implicit: false })
                {
                    conflicts.Add($"{closed.Name} sets the closed model (a crowd of users) and --rate/--rate-stages the open model (arrivals per second); give one. With a rate, --max-users caps concurrent iterations.");
                }
            }
        }
        else
        {
            foreach (Option openOnly in new Option[] { _arrivals, _burstiness, _preAllocatedUsers, _maxUsers, _backlog })
            {
                if (result.GetResult(openOnly) is { Implicit: false })
                {
                    conflicts.Add($"{openOnly.Name} applies to the open model only: add --rate R (iterations per second) or --rate-stages.");
                }
            }
        }

        if (settings.SourceAddresses.Count > 0 && settings.SharedConnections)
        {
            conflicts.Add("--source-address spreads each user's own connections over its addresses; leave out --shared-connections.");
        }

        CapacityConflicts(settings, result, conflicts);
        ClusterConflicts(settings, result, settings.Arguments, conflicts);
        ColdStartConflicts(settings, result, conflicts);
        AutoscalingConflicts(settings, result, conflicts);
        if (settings.PreAllocatedUsers is { } pre && settings.MaxUsers is { } max && pre > max)
        {
            conflicts.Add($"--pre-allocated-users {pre} is more than --max-users {max}; give at most {max}.");
        }

        return conflicts;
    }

    /// <summary>The environment variable that sets <paramref name="flag"/>: <c>--spawn-rate</c> → <c>STAMPEDE_SPAWN_RATE</c>.</summary>
    public static string EnvironmentVariableFor(string flag) =>
        EnvironmentPrefix + flag.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    private (List<string> Merged, Dictionary<string, string> FromEnvironment) MergeEnvironment(IReadOnlyList<string> args, IDictionary environment)
    {
        var merged = new List<string>(args);
        var fromEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Option option in _root.Options)
        {
            if (option.Name is "--help" or "--version")
            {
                continue;
            }

            string variable = EnvironmentVariableFor(option.Name);
            if (environment[variable] is not string value || Given(args, option))
            {
                continue;
            }

            fromEnvironment[option.Name] = variable;
            if (IsSeparatedList(option))
            {
                foreach (string part in value.Split(SloSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    merged.Add(option.Name);
                    merged.Add(part);
                }
            }
            else if (option.Arity.MaximumNumberOfValues > 1)
            {
                merged.Add(option.Name);
                merged.AddRange(value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
            else
            {
                merged.Add(option.Name);
                merged.Add(value);
            }
        }

        return (merged, fromEnvironment);
    }

    private static bool Given(IReadOnlyList<string> args, Option option)
    {
        foreach (string arg in args)
        {
            if (arg == "--")
            {
                return false;
            }

            if (arg == option.Name || arg.StartsWith(option.Name + "=", StringComparison.Ordinal) || option.Aliases.Any(a => arg == a || arg.StartsWith(a + "=", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] SplitList(string[]? values) =>
        values is null ? [] : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    private static string Token(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;

    private static int ParseInt(ArgumentResult r, string flag, int min, string valid, int max = int.MaxValue)
    {
        string token = Token(r);
        if (!int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            r.AddError($"{flag}: '{token}' is not valid; give {valid}.");
            return default;
        }

        return value;
    }

    private static double ParsePositiveDouble(ArgumentResult r, string flag, string valid)
    {
        string token = Token(r);
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value > 0) || !double.IsFinite(value))
        {
            r.AddError($"{flag}: '{token}' is not valid; give {valid}.");
            return default;
        }

        return value;
    }

    private static double? ParseNonNegativeDouble(ArgumentResult r, string flag, string valid)
    {
        string token = Token(r);
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= 0) || !double.IsFinite(value))
        {
            r.AddError($"{flag}: '{token}' is not valid; give {valid}.");
            return null;
        }

        return value;
    }

    private static Stampede.Llm.GoodputBounds? ParseGoodput(ArgumentResult r)
    {
        string token = r.Tokens.Count > 0 ? r.Tokens[^1].Value : string.Empty;
        try
        {
            return Stampede.Llm.GoodputBounds.Parse(token);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            r.AddError(ex is FormatException ? ex.Message : "--goodput: give bounds such as \"ttft<500ms,tpot<50ms\".");
            return null;
        }
    }

    private static ArrivalProcess ParseArrivals(ArgumentResult r)
    {
        string token = Token(r);
        switch (token.ToLowerInvariant())
        {
            case "constant": return ArrivalProcess.Constant;
            case "poisson": return ArrivalProcess.Poisson;
            default:
                r.AddError($"--arrivals: '{token}' is not valid; give constant or poisson.");
                return ArrivalProcess.Constant;
        }
    }

    private static IReadOnlyList<RateStage>? ParseRateStages(ArgumentResult r)
    {
        string token = Token(r);
        var stages = new List<RateStage>();
        foreach (string part in token.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] fields = part.Split(':');
            if (fields.Length != 2
                || !DurationParser.TryParse(fields[0], out TimeSpan duration)
                || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) || !(rate >= 0) || !double.IsFinite(rate))
            {
                r.AddError($"--rate-stages: '{part}' is not valid; give DURATION:RATE stages separated by commas, e.g. 30s:100,2m:100,30s:0 (a 0s stage steps the rate at once).");
                return null;
            }

            stages.Add(new RateStage(duration, rate));
        }

        if (stages.Count == 0)
        {
            r.AddError("--rate-stages: no stage given; give DURATION:RATE stages separated by commas.");
            return null;
        }

        return stages;
    }

    private static System.Net.IPAddress[] ParseSourceAddresses(ArgumentResult r)
    {
        var addresses = new List<System.Net.IPAddress>();
        foreach (System.CommandLine.Parsing.Token token in r.Tokens)
        {
            try
            {
                addresses.AddRange(Stampede.Http.SourceAddresses.Parse(token.Value));
            }
            catch (FormatException e)
            {
                r.AddError($"--source-address: {e.Message}");
                return [];
            }
        }

        return [.. addresses];
    }

    private static TimeSpan? ParsePositiveDuration(ArgumentResult r, string flag) => ParseDuration(r, flag, allowZero: false);

    private static TimeSpan? ParseDuration(ArgumentResult r, string flag, bool allowZero)
    {
        string token = Token(r);
        if (!DurationParser.TryParse(token, out TimeSpan value) || (!allowZero && value <= TimeSpan.Zero))
        {
            r.AddError($"{flag}: '{token}' is not valid; give {(allowZero ? DurationParser.Valid : "a positive " + DurationParser.Valid[2..])}.");
            return null;
        }

        return value;
    }

    private static long ParseSize(ArgumentResult r)
    {
        string token = Token(r);
        if (!SizeParser.TryParse(token, out long bytes))
        {
            r.AddError($"--max-body: '{token}' is not valid; give {SizeParser.Valid}.");
        }

        return bytes;
    }

    private static LogLevel ParseLogLevel(ArgumentResult r)
    {
        string token = Token(r);
        switch (token.ToUpperInvariant())
        {
            case "DEBUG": return LogLevel.Debug;
            case "INFO": return LogLevel.Info;
            case "WARNING" or "WARN": return LogLevel.Warning;
            case "ERROR": return LogLevel.Error;
            case "CRITICAL": return LogLevel.Critical;
            default:
                r.AddError($"--loglevel: '{token}' is not valid; give DEBUG, INFO, WARNING, ERROR or CRITICAL.");
                return LogLevel.Info;
        }
    }

    private static Version ParseHttpVersion(ArgumentResult r)
    {
        string token = Token(r);
        switch (token)
        {
            case "1.1" or "1": return System.Net.HttpVersion.Version11;
            case "2" or "2.0": return System.Net.HttpVersion.Version20;
            default:
                r.AddError($"--http-version: '{token}' is not valid; give 1.1 or 2.");
                return System.Net.HttpVersion.Version11;
        }
    }

    private static IReadOnlyList<Stage>? ParseStages(ArgumentResult r)
    {
        string token = Token(r);
        var stages = new List<Stage>();
        foreach (string part in token.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] fields = part.Split(':');
            if (fields.Length is < 2 or > 3
                || !DurationParser.TryParse(fields[0], out TimeSpan duration) || duration <= TimeSpan.Zero
                || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int users) || users < 0)
            {
                r.AddError($"--stages: '{part}' is not valid; give DURATION:USERS[:RATE] stages separated by commas, e.g. 30s:10:5,1m:50:10,30s:0.");
                return null;
            }

            // Without a rate a stage reaches its users within about a second.
            double rate = Math.Max(1, users);
            if (fields.Length == 3 && (!double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out rate) || !(rate > 0) || !double.IsFinite(rate)))
            {
                r.AddError($"--stages: '{part}' has spawn rate '{fields[2]}'; give users per second above 0.");
                return null;
            }

            stages.Add(new Stage(duration, users, rate));
        }

        if (stages.Count == 0)
        {
            r.AddError("--stages: no stage given; give DURATION:USERS[:RATE] stages separated by commas.");
            return null;
        }

        return stages;
    }

    private static void ValidateHost(OptionResult r)
    {
        string token = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
        if (!Uri.TryCreate(token, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            r.AddError($"--host: '{token}' is not valid; give an absolute http:// or https:// URL, e.g. --host http://127.0.0.1:8080.");
        }
    }
}

/// <summary>The result of parsing: settings, or errors, or neither when help or the version was asked for.</summary>
internal sealed record ParseOutcome(CliSettings? Settings, IReadOnlyList<string> Errors, ParseResult Result);
