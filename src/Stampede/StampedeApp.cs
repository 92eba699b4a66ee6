using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Cli;
using Stampede.Gates;
using Stampede.Load;
using Stampede.Reports;
using Stampede.Security;
using Stampede.Terminal;

namespace Stampede;

/// <summary>
/// The entry point of a scenario app: parses Locust-style flags (and <c>STAMPEDE_*</c> environment
/// variables), runs the user classes, shows live statistics, writes the requested outputs and
/// returns the exit code.
/// </summary>
/// <remarks>
/// Exit codes: 0 when the run went well; <c>--exit-code-on-error</c> (1 unless set) when a request
/// failed or user code threw; 2 for bad usage (an unknown flag, a bad value, an unusable scenario, a
/// <c>--target-command</c> that exits or is not ready in time; 130 when Ctrl-C came while it was starting);
/// 3 when a threshold (<c>--slo</c>) failed, an SLO objective was missed or a row regressed against
/// its baseline.
/// Ctrl-C or SIGTERM stops the users and still writes every output and the summary.
/// </remarks>
public static partial class StampedeApp
{
    /// <summary>Exit code for bad usage: unknown flag, invalid value, unusable scenario.</summary>
    public const int UsageErrorExitCode = 2;

    /// <summary>
    /// Exit code when a distributed run could not run: its NATS server refused or could not be reached, its agents did not
    /// come or could not take their share, an agent was refused (another scenario or version), or an agent lost its
    /// coordinator mid-run (its users were stopped).
    /// </summary>
    public const int ClusterFailedExitCode = 4;

    /// <summary>Exit code when a threshold failed, an SLO objective was missed or the run regressed against its baseline.</summary>
    public const int CheckFailedExitCode = GateResults.FailedExitCode;

    /// <summary>Runs the scenario.</summary>
    /// <param name="args">The command-line arguments (<c>--host … --users …</c>).</param>
    /// <param name="userTypes">The user classes, and optionally one <see cref="LoadShape"/> subclass.</param>
    /// <returns>The process exit code.</returns>
    public static Task<int> RunAsync(string[] args, params Type[] userTypes) =>
        RunAsync(args, userTypes, AnsiConsole.Console, Console.Error, Environment.GetEnvironmentVariables(), TimeProvider.System, CancellationToken.None);

    /// <summary>
    /// More of the end-of-run summary, written after the statistics and checks: a host that runs scenarios in-process
    /// (<c>stampede llm</c>) adds its own figures this way. Flows with the run that sets it, so runs side by side in one
    /// process (the tests) do not see each other's.
    /// </summary>
    internal static AsyncLocal<Func<RunReport, IEnumerable<IRenderable>>?> SummaryExtension { get; } = new();

    /// <summary>Stampede's version.</summary>
    public static string Version { get; } =
        typeof(StampedeApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    internal static async Task<int> RunAsync(
        string[] args,
        Type[] userTypes,
        IAnsiConsole console,
        TextWriter errors,
        IDictionary environment,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(userTypes);

        var commandLine = new CommandLine("Runs this Stampede scenario: virtual users defined in C#, Locust's flags.", UsageName.FromHost());
        ParseOutcome outcome = commandLine.Parse(args, environment);
        if (outcome.Errors.Count > 0)
        {
            return await UsageErrorAsync(errors, outcome.Errors).ConfigureAwait(false);
        }

        if (outcome.Settings is not { } settings)
        {
            return await outcome.Result.InvokeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        // Before anything is written: values that must never reach an output.
        Secrets.AddFromEnvironment(environment);
        Secrets.Add(settings.WebAuth?[(settings.WebAuth.IndexOf(':', StringComparison.Ordinal) + 1)..]);

        Type[] users = [.. userTypes.Where(t => !typeof(LoadShape).IsAssignableFrom(t))];
        (LoadShape? shape, string? shapeProblem) = CreateShape(settings, userTypes);
        if (shapeProblem is not null)
        {
            return await UsageErrorAsync(errors, [shapeProblem]).ConfigureAwait(false);
        }

        if (settings.Cluster.Role == Cluster.ClusterRole.Agent)
        {
            return await Cluster.ClusterAgent.RunAsync(settings, userTypes, console, errors, cancellationToken).ConfigureAwait(false);
        }

        LoadTestOptions options = CreateOptions(settings, shape);

        string? outputProblem = PrepareOutputs(settings);
        if (outputProblem is not null)
        {
            return await UsageErrorAsync(errors, [outputProblem]).ConfigureAwait(false);
        }

        (GateInputs? gates, string? gateProblem) = await GateInputs.LoadAsync(settings, cancellationToken).ConfigureAwait(false);
        if (gates is null)
        {
            return await UsageErrorAsync(errors, [gateProblem!]).ConfigureAwait(false);
        }

        LoadTest test;
        try
        {
            test = new LoadTest(options, users, time);
        }
        catch (Exception ex) when (ex is ArgumentException or ScenarioException)
        {
            return await UsageErrorAsync(errors, [ex.Message]).ConfigureAwait(false);
        }

        return settings.Cluster.Role == Cluster.ClusterRole.Coordinator
            ? await CoordinateAsync(test, settings, gates, options, shape, users, userTypes, console, errors, time, cancellationToken).ConfigureAwait(false)
            : await RunAsync(test, settings, gates, options, shape, users, console, errors, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the test (or serves the dashboard that runs it) and reports: on one machine, or as a distributed run's coordinator.</summary>
    private static async Task<int> RunAsync(
        LoadTest test,
        CliSettings settings,
        GateInputs gates,
        LoadTestOptions options,
        LoadShape? shape,
        Type[] users,
        IAnsiConsole console,
        TextWriter errors,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!settings.Headless)
        {
            // The scenario and flags are valid; the dashboard creates a fresh test for each run it starts.
            test.Dispose();
            return settings.TargetCommand is null
                ? await Web.DashboardApp.RunAsync(settings, gates, options, users, console, errors, time, cancellationToken).ConfigureAwait(false)
                : await RunDashboardWithTargetAsync(options, settings, gates, users, console, errors, time, cancellationToken).ConfigureAwait(false);
        }

        using (test)
        {
            return settings.TargetCommand is null
                ? await RunAndReportAsync(test, settings, gates, shape, console, errors, time, cancellationToken).ConfigureAwait(false)
                : await RunWithTargetAsync(test, options, settings, gates, shape, console, errors, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> RunAndReportAsync(
        LoadTest test,
        CliSettings settings,
        GateInputs gates,
        LoadShape? shape,
        IAnsiConsole console,
        TextWriter errors,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        // Redirected output has no terminal width: 80 columns would fold the percentile tables and the sentences.
        PlainConsole.Adapt(console);
        bool info = settings.LogLevel <= LogLevel.Info;
        if (info)
        {
            console.MarkupLine(Markup.Escape(Describe(settings, shape, test)));
            if (settings.Insecure)
            {
                console.MarkupLine("[yellow]TLS certificates are not checked (--insecure): any certificate the target presents is accepted.[/]");
            }

            console.MarkupLine("Ctrl-C stops the run and still writes the outputs.");
        }

        DebugLog? debug = null;
        if (settings.LogLevel <= LogLevel.Debug)
        {
            foreach (string line in DebugLog.Settings(settings, shape, test))
            {
                await errors.WriteLineAsync(line).ConfigureAwait(false);
            }

            debug = new DebugLog(errors, test, time);
        }

        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, interrupt));
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, interrupt));

        using var viewStop = new CancellationTokenSource();
        var view = new LiveView(console, test, time, showTables: !settings.OnlySummary && settings.LogLevel <= LogLevel.Warning, thresholds: settings.Slos);
        Task viewTask = view.RunAsync(viewStop.Token);
        Task debugTask = debug?.RunAsync(viewStop.Token) ?? Task.CompletedTask;

        using RunJournal? journal = await StartJournalAsync(test, settings, shape, errors).ConfigureAwait(false);
        RunResult result;
        try
        {
            result = await test.RunAsync(interrupt.Token).ConfigureAwait(false);
        }
        catch (Cluster.ClusterException ex)
        {
            // The distributed run could not start (no agents, an agent that could not take its share): nothing was measured.
            await viewStop.CancelAsync().ConfigureAwait(false);
            journal?.Complete();
            await errors.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ClusterFailedExitCode;
        }
#pragma warning disable CA1031 // An engine that fails (a bug, out of memory) must still leave the results gathered so far.
        catch (Exception ex) when (journal is not null && ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            await viewStop.CancelAsync().ConfigureAwait(false);
            journal.Dispose();
            await errors.WriteLineAsync($"error: the run failed inside Stampede ({ex.GetType().Name}: {Secrets.Redact(ex.Message)}); the results up to then are in {journal.Path}.").ConfigureAwait(false);
            await WriteFromJournalAsync(journal.Path, settings, console, errors).ConfigureAwait(false);
            return 1;
        }

        await viewStop.CancelAsync().ConfigureAwait(false);
        await viewTask.ConfigureAwait(false);
        await debugTask.ConfigureAwait(false);

        GateResults checks = GateResults.Evaluate(gates, result);
        int exitCode = checks.ExitCode(result, settings.ExitCodeOnError);
        var report = new RunReport
        {
            Result = result,
            ExitCode = exitCode,
            ToolVersion = Version,
            Gates = checks,
            Settings = SettingsSummary(settings, shape),
        };

        foreach (IRenderable part in StatsTables.Summary(result).Concat(GateTables.Summary(checks)))
        {
            console.Write(part);
        }

        foreach (IRenderable part in SummaryExtension.Value?.Invoke(report) ?? [])
        {
            console.Write(part);
        }

        bool written = true;
        foreach ((string what, IExporter exporter) in Exporters(settings))
        {
            try
            {
                await exporter.ExportAsync(report, CancellationToken.None).ConfigureAwait(false);
                if (info)
                {
                    console.MarkupLine($"Wrote {Markup.Escape(what)}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await errors.WriteLineAsync($"error: could not write {what}: {ex.Message}").ConfigureAwait(false);
                exitCode = exitCode == 0 ? 1 : exitCode;
                written = false;
            }
        }

        if (written)
        {
            journal?.Complete();
        }
        else if (journal is not null)
        {
            await errors.WriteLineAsync($"The run's journal stays in {journal.Path}: `stampede report {journal.Path} -o report.html` renders it.").ConfigureAwait(false);
        }

        if (settings.LogLevel <= LogLevel.Error)
        {
            // One headline, as the HTML report and the dashboard show it: the checks, the verdict, what is indicative.
            RunDocument document = RunDocumentMapper.ToDocument(report);
            console.MarkupLine(Markup.Escape(RunHeadline.Of(document)));
            console.MarkupLine(Markup.Escape(Ending(result, exitCode, settings, checks, RunHeadline.Validity(document))));
        }

        return exitCode;
    }

    /// <summary>Starts the crash-safe journal beside the JSON (or HTML) output; a run without either has none, and one whose journal cannot be created runs without it.</summary>
    private static async Task<RunJournal?> StartJournalAsync(LoadTest test, CliSettings settings, LoadShape? shape, TextWriter errors)
    {
        if (RunJournal.PathFor(settings.JsonPath, settings.HtmlPath) is not { } path)
        {
            return null;
        }

        try
        {
            return RunJournal.Start(path, test, SettingsSummary(settings, shape), Version);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await errors.WriteLineAsync($"warning: the run's journal {path} cannot be written ({ex.Message}); the run goes on, but a crash would lose its results.").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>After the engine failed: the JSON and HTML outputs rebuilt from the journal, as far as they can be.</summary>
    private static async Task WriteFromJournalAsync(string journal, CliSettings settings, IAnsiConsole console, TextWriter errors)
    {
        try
        {
            RunDocument document = await RunDocumentReader.ReadAsync(journal).ConfigureAwait(false);
            if (settings.JsonPath is { } json)
            {
                await RunDocumentWriter.WriteAsync(document, json).ConfigureAwait(false);
                console.MarkupLine($"Wrote {Markup.Escape(json)} (rebuilt from the journal)");
            }

            if (settings.HtmlPath is { } html)
            {
                await HtmlReportWriter.WriteAsync(document, html).ConfigureAwait(false);
                console.MarkupLine($"Wrote {Markup.Escape(html)} (rebuilt from the journal)");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await errors.WriteLineAsync($"error: the outputs could not be rebuilt from {journal} ({ex.Message}); the journal stays for `stampede report`.").ConfigureAwait(false);
        }
    }

    private static void OnSignal(PosixSignalContext context, CancellationTokenSource interrupt)
    {
        // The first signal stops the run gracefully (outputs are still written); a second one ends
        // the process the default way.
        if (!interrupt.IsCancellationRequested)
        {
            context.Cancel = true;
            interrupt.Cancel();
        }
    }

    internal static async Task<int> UsageErrorAsync(TextWriter errors, IReadOnlyList<string> messages)
    {
        foreach (string message in messages)
        {
            await errors.WriteLineAsync($"error: {message}").ConfigureAwait(false);
        }

        await errors.WriteLineAsync("Run with --help to see every flag.").ConfigureAwait(false);
        return UsageErrorExitCode;
    }

    /// <summary>The run's load shape: the scenario's own <see cref="LoadShape"/> class, else <c>--stages</c>, else none; or why it cannot be made.</summary>
    internal static (LoadShape? Shape, string? Problem) CreateShape(CliSettings settings, IReadOnlyList<Type> userTypes)
    {
        Type[] shapes = [.. userTypes.Where(t => typeof(LoadShape).IsAssignableFrom(t))];
        if (shapes.Length > 1)
        {
            return (null, $"Several load shapes were given ({string.Join(", ", shapes.Select(s => s.Name))}); pass at most one.");
        }

        try
        {
            return (shapes.Length == 1 ? (LoadShape)Activator.CreateInstance(shapes[0], nonPublic: true)!
                : settings.Stages is { } stages ? LoadShapes.Stages(stages)
                : null, null);
        }
        catch (TargetInvocationException ex)
        {
            return (null, $"The load shape {shapes[0].Name} could not be created: {ex.InnerException?.Message}");
        }
    }

    /// <summary>The engine's options for what the command line asked.</summary>
    internal static LoadTestOptions CreateOptions(CliSettings settings, LoadShape? shape)
    {
        return new LoadTestOptions
        {
            Host = settings.Host,
            Users = settings.Users,
            SpawnRate = settings.SpawnRate,
            RunTime = settings.RunTime,
            StopTimeout = settings.StopTimeout,
            Shape = shape,
            Tags = settings.Tags,
            ExcludeTags = settings.ExcludeTags,
            Seed = settings.Seed,
            RequestTimeout = settings.RequestTimeout,
            HttpVersion = settings.HttpVersion,
            ShareConnections = settings.SharedConnections,
            Insecure = settings.Insecure,
            MaxBodyBytes = settings.MaxBodyBytes,
            HistoryInMemory = settings.HistoryInMemory,
            SourceAddresses = settings.SourceAddresses,
            Rate = settings.FindCapacity || settings.Stress ? null : settings.Rate,
            RateStages = settings.RateStages ?? [],
            Arrivals = settings.Arrivals,
            Burstiness = settings.Burstiness,
            PreAllocatedUsers = settings.PreAllocatedUsers,
            MaxUsers = settings.MaxUsers,
            MaxBacklog = settings.Backlog,
            MinDuration = settings.MinDuration,
            Strict = settings.Strict,
            KeepGoing = settings.KeepGoing,
            Goodput = settings.Goodput,
            Soak = settings.Soak,
            Stress = settings.Stress ? new Experiments.StressTestOptions
            {
                StartRate = settings.Rate is > 0 ? settings.Rate.Value : 1,
                StepRate = settings.StepRate,
                StepFactor = settings.StepFactor,
                StepTime = settings.StepTime,
                BreakWhen = settings.BreakWhen,
                RecoveryRate = settings.RecoveryRate,
                RecoveryTime = settings.RecoveryTime,
            }
            : null,
            FindCapacity = settings.FindCapacity ? new Experiments.CapacitySearchOptions
            {
                StartRate = settings.Rate is > 0 ? settings.Rate.Value : 1,
                MaxRate = settings.MaxRate,
                StepTime = settings.StepTime,
                StepWarmup = settings.StepWarmup,
                Precision = settings.Precision,
            }
            : null,
            Thresholds = settings.Slos,
            MetricsEndpoints = settings.MetricsEndpoints,
            MetricsInterval = settings.MetricsInterval,
            MetricsTimeout = settings.MetricsTimeout,
            WatchPids = settings.WatchPids,
            Watches = settings.Watches,
            Warmup = settings.Warmup,
            Autoscaling = settings.ToAutoscalingOptions(),
        };
    }

    private static string? PrepareOutputs(CliSettings settings)
    {
        foreach ((string flag, string? path) in new[] { ("--csv", settings.CsvPrefix), ("--json", settings.JsonPath), ("--html", settings.HtmlPath), ("--save-baseline", settings.SaveBaselinePath), ("--junit", settings.JUnitPath) })
        {
            if (path is null)
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(path))
            {
                return $"{flag}: an empty path is not valid; give a file path such as out/run.";
            }

            try
            {
                Reports.OutputFile.EnsureDirectory(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return $"{flag}: '{path}' cannot be written ({ex.Message}); give a path in a writable directory.";
            }
        }

        return null;
    }

    internal static IEnumerable<(string What, IExporter Exporter)> Exporters(CliSettings settings)
    {
        if (settings.CsvPrefix is { } prefix)
        {
            yield return ($"{prefix}_stats.csv, {prefix}_stats_history.csv, {prefix}_failures.csv, {prefix}_exceptions.csv", new CsvExporter(prefix, settings.CsvFullHistory));
        }

        if (settings.JsonPath is { } json)
        {
            yield return (json, new JsonExporter(json));
        }

        if (settings.HtmlPath is { } html)
        {
            yield return (html, new HtmlExporter(html));
        }

        if (settings.SaveBaselinePath is { } baseline)
        {
            yield return ($"the baseline {baseline}", new BaselineExporter(baseline));
        }

        if (settings.JUnitPath is { } junit)
        {
            yield return (junit, new JUnitExporter(junit));
        }
    }

    /// <summary>The run's settings as the outputs record them.</summary>
    internal static RunSettingsSummary SettingsSummary(CliSettings settings, LoadShape? shape) => new()
    {
        Host = settings.Host is { } host ? Secrets.Redact(host) : null,
        Users = settings.Users,
        SpawnRate = settings.SpawnRate,
        RunTimeSeconds = settings.RunTime?.TotalSeconds,
        StopTimeoutSeconds = settings.StopTimeout.TotalSeconds,
        RequestTimeoutSeconds = settings.RequestTimeout.TotalSeconds,
        Shape = shape?.GetType().Name,
        Tags = settings.Tags,
        ExcludeTags = settings.ExcludeTags,
        HttpVersion = settings.HttpVersion.ToString(),
        SharedConnections = settings.SharedConnections,
        Insecure = settings.Insecure,
        HistoryInMemorySeconds = settings.HistoryInMemory.TotalSeconds,
        Arguments = Secrets.RedactArguments(settings.Arguments),
        Rate = settings.Rate,
        RateStages = settings.RateStages ?? [],
        Arrivals = settings.Arrivals,
        Burstiness = settings.Burstiness,
        MaxUsers = settings.MaxUsers,
        PreAllocatedUsers = settings.PreAllocatedUsers,
        Backlog = settings.Backlog,
        MinDuration = settings.MinDuration,
    };

    private static string Describe(CliSettings settings, LoadShape? shape, LoadTest test)
    {
        string load = settings.IsOpenModel
            ? DescribeRate(settings)
            : shape is null
            ? string.Create(CultureInfo.InvariantCulture, $"{settings.Users} users at {settings.SpawnRate:0.##}/s")
            : $"load shape {shape.GetType().Name}";
        string duration = settings.RunTime is { } t ? $"for {t}" : "until Ctrl-C";
        string classes = string.Join(", ", test.UserClasses.Select(c => c.Name));
        return $"Stampede {Version}: {load} ({classes}) against {(settings.Host is { } host ? Secrets.Redact(host) : "each class's own host")} {duration}.";
    }

    private static string DescribeRate(CliSettings settings)
    {
        string rate = settings.RateStages is { } stages
            ? string.Create(CultureInfo.InvariantCulture, $"rate stages {string.Join(", ", stages.Select(s => $"{s.Duration.TotalSeconds:0.##}s→{s.Rate:0.##}/s"))}")
            : string.Create(CultureInfo.InvariantCulture, $"{settings.Rate:0.##} iterations/s");
        string arrivals = settings.Arrivals == ArrivalProcess.Poisson
            ? string.Create(CultureInfo.InvariantCulture, $"Poisson arrivals{(settings.Burstiness == 1 ? string.Empty : $" (burstiness {settings.Burstiness:0.##})")}")
            : "constant arrivals";
        return string.Create(CultureInfo.InvariantCulture, $"{rate}, {arrivals}, up to {settings.MaxUsers ?? Math.Max(settings.PreAllocatedUsers ?? 0, 1000)} users");
    }

    private static string Ending(RunResult result, int exitCode, CliSettings settings, GateResults checks, string validity)
    {
        string why = result.StopReason switch
        {
            StopReason.RunTimeElapsed => "the run time elapsed",
            StopReason.ShapeFinished => settings.IsOpenModel ? "the rate stages ended" : "the load shape finished",
            StopReason.Interrupted => "it was interrupted",
            StopReason.ThresholdAborted => $"the abort threshold {string.Join(", ", result.AbortedBy.Select(a => a.Threshold.Expression))} failed",
            StopReason.ExperimentFinished => result.BreakingPoint is not null ? "the stress test ended" : "the capacity search found its answer",
            StopReason.TargetUnreachable => "the target was unreachable (see the warning above; --keep-going runs on)",
            _ => "every user stopped itself",
        };
        long thrown = result.Stats.Errors.Sum(e => e.Count);
        string tolerance = checks.Failed ? string.Empty
            : thrown == 0 && checks.BoundsErrorRate ? " (within the error-rate check)"
            : string.Create(CultureInfo.InvariantCulture, $" (--exit-code-on-error {settings.ExitCodeOnError})");
        string verdict = result.Stats.Total.Failures == 0 && thrown == 0 ? "no request failed"
            : string.Create(CultureInfo.InvariantCulture, $"{result.Stats.Total.Failures} requests failed and {thrown} errors were raised{tolerance}");
        return string.Create(CultureInfo.InvariantCulture, $"Run ended because {why} after {result.Stats.Elapsed.TotalSeconds:0.0} s: {result.Stats.Total.Requests} requests, {verdict}{checks.Describe()}; {validity}{(result.Bottleneck is { Resource: not "none" } b ? $"; bottleneck: {b.Resource}" : string.Empty)}. Exit code {exitCode}.");
    }
}
