using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Cli;
using Stampede.Gates;
using Stampede.Load;
using Stampede.Reports;
using Stampede.Terminal;

namespace Stampede.Web;

/// <summary>
/// A scenario app without <c>--headless</c>: serves the live web dashboard, runs what it asks for until Ctrl-C,
/// then prints the last run's summary and writes the command line's outputs (<c>--csv</c>, <c>--json</c>, <c>--html</c>,
/// <c>--junit</c>, <c>--save-baseline</c>) from it, as Locust does with its web UI. Each run is judged by the same
/// checks as a headless one (<c>--slo</c>, <c>--slo-file</c>, <c>--baseline</c>).
/// </summary>
internal static class DashboardApp
{
    public static async Task<int> RunAsync(
        CliSettings settings,
        GateInputs gates,
        LoadTestOptions template,
        Type[] users,
        IAnsiConsole console,
        TextWriter errors,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var options = new DashboardOptions { Host = settings.WebHost, Port = settings.WebPort, Auth = settings.WebAuth, Autostart = settings.Autostart };
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            return await StampedeApp.UsageErrorAsync(errors, problems).ConfigureAwait(false);
        }

        var defaults = new DashboardRunRequest(settings.Users, settings.SpawnRate, settings.Host, settings.RunTime);
        var runner = new DashboardRunner(
            request => OptionsFor(template, request),
            o => new LoadTest(o, users, time),
            (result, request) => Report(result, request, settings, gates),
            template.Thresholds);
        // Redirected output has no terminal width; 80 columns would fold the address and the summary tables.
        PlainConsole.Adapt(console);

        bool info = settings.LogLevel <= LogLevel.Info;
        runner.RunChanged += view =>
        {
            if (info)
            {
                console.MarkupLine(Markup.Escape(DescribeChange(view)));
            }
        };

        string classes;
        using (var probe = new LoadTest(OptionsFor(template, defaults), users, time))
        {
            classes = string.Join(", ", probe.UserClasses.Select(c => c.Name));
        }

        DashboardServer server;
        try
        {
            server = await DashboardServer.StartAsync(options, runner, defaults, classes, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await runner.DisposeAsync().ConfigureAwait(false);
            return await StampedeApp.UsageErrorAsync(errors, [$"--web-port {options.Port}: the dashboard could not listen on {options.Host}:{options.Port} ({ex.Message}); give another --web-port (0 picks a free one), or --headless."]).ConfigureAwait(false);
        }

        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, interrupt));
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, interrupt));

        await using (server.ConfigureAwait(false))
        {
            await using (runner.ConfigureAwait(false))
            {
                if (settings.LogLevel <= LogLevel.Warning)
                {
                    string secured = options.Auth is null ? "this machine only" : "HTTP Basic authentication (--web-auth)";
                    console.MarkupLine(Markup.Escape($"Stampede {StampedeApp.Version}: web dashboard at {server.Address} ({classes}; {secured}). Ctrl-C stops it and writes the last run's outputs."));
                }

                if (options.Autostart && await runner.StartAsync(defaults).ConfigureAwait(false) is { } problem)
                {
                    await errors.WriteLineAsync($"error: --autostart: {problem}").ConfigureAwait(false);
                }

                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, interrupt.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C, SIGTERM or the caller's token: stop the run (the runner's disposal) and report.
                }
            }
        }

        return await ReportLastRunAsync(runner.LastReport, settings, console, errors).ConfigureAwait(false);
    }

    /// <summary>A copy of the command line's options with the form's users, spawn rate, host and run time.</summary>
    internal static LoadTestOptions OptionsFor(LoadTestOptions template, DashboardRunRequest request)
    {
        // Every settable property is copied, so options added to LoadTestOptions later reach dashboard runs too.
        var options = new LoadTestOptions();
        foreach (PropertyInfo property in typeof(LoadTestOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property is { CanRead: true, CanWrite: true } && property.GetIndexParameters().Length == 0)
            {
                property.SetValue(options, property.GetValue(template));
            }
        }

        // A distributed run's coordinator: every run of the dashboard goes to the same agents.
        options.Fleet = template.Fleet;
        options.Users = request.Users;
        options.SpawnRate = request.SpawnRate;
        options.Host = request.Host;
        options.RunTime = request.RunTime;
        return options;
    }

    private static RunReport Report(RunResult result, DashboardRunRequest request, CliSettings settings, GateInputs gates)
    {
        // The same checks as a headless run: thresholds, SLO objectives and the baseline decide the exit code.
        GateResults checks = GateResults.Evaluate(gates, result);
        return new RunReport
        {
            Result = result,
            ExitCode = checks.ExitCode(result, settings.ExitCodeOnError),
            ToolVersion = StampedeApp.Version,
            Gates = checks,
            Settings = StampedeApp.SettingsSummary(settings, shape: null) with
            {
                Host = request.Host is { } host ? Security.Secrets.Redact(host) : null,
                Users = request.Users,
                SpawnRate = request.SpawnRate,
                RunTimeSeconds = request.RunTime?.TotalSeconds,
            },
        };
    }

    private static async Task<int> ReportLastRunAsync(RunReport? report, CliSettings settings, IAnsiConsole console, TextWriter errors)
    {
        if (report is null)
        {
            if (settings.LogLevel <= LogLevel.Info)
            {
                console.MarkupLine("The dashboard stopped before any run ended: nothing to report.");
            }

            return 0;
        }

        foreach (IRenderable part in StatsTables.Summary(report.Result).Concat(GateTables.Summary(report.Gates)))
        {
            console.Write(part);
        }

        int exitCode = report.ExitCode;
        foreach ((string what, IExporter exporter) in StampedeApp.Exporters(settings))
        {
            try
            {
                await exporter.ExportAsync(report, CancellationToken.None).ConfigureAwait(false);
                if (settings.LogLevel <= LogLevel.Info)
                {
                    console.MarkupLine($"Wrote {Markup.Escape(what)}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await errors.WriteLineAsync($"error: could not write {what}: {ex.Message}").ConfigureAwait(false);
                exitCode = exitCode == 0 ? 1 : exitCode;
            }
        }

        if (settings.LogLevel <= LogLevel.Error)
        {
            RunResult result = report.Result;
            RunDocument document = RunDocumentMapper.ToDocument(report);
            console.MarkupLine(Markup.Escape(RunHeadline.Of(document)));
            console.MarkupLine(Markup.Escape(string.Create(
                CultureInfo.InvariantCulture,
                $"The last dashboard run ended ({result.StopReason}) after {result.Stats.Elapsed.TotalSeconds:0.0} s: {result.Stats.Total.Requests} requests, {result.Stats.Total.Failures} failed{report.Gates.Describe()}; {RunHeadline.Validity(document)}. Exit code {exitCode}.")));
        }

        return exitCode;
    }

    private static string DescribeChange(DashboardView view) => view.State switch
    {
        DashboardRunState.Running when view.Request is { } r => string.Create(
            CultureInfo.InvariantCulture,
            $"Dashboard: run {view.RunId} started, {r.Users} users at {r.SpawnRate:0.##}/s against {(r.Host is { } host ? Security.Secrets.Redact(host) : "each class's own host")}{(r.RunTime is { } t ? $" for {t}" : string.Empty)}."),
        DashboardRunState.Stopped when view.Result is { } result => string.Create(
            CultureInfo.InvariantCulture,
            $"Dashboard: run {view.RunId} ended ({result.StopReason}) after {result.Stats.Elapsed.TotalSeconds:0.0} s: {result.Stats.Total.Requests} requests, {result.Stats.Total.Failures} failed."),
        _ => $"Dashboard: {view.State}.",
    };

    private static void OnSignal(PosixSignalContext context, CancellationTokenSource interrupt)
    {
        if (!interrupt.IsCancellationRequested)
        {
            context.Cancel = true;
            interrupt.Cancel();
        }
    }
}
