using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;
using Stampede.Analysis;
using Stampede.Cli;
using Stampede.Gates;
using Stampede.Load;
using Stampede.Targets;

namespace Stampede;

/// <summary>A run whose target Stampede starts itself (<c>--target-command</c>): the cold starts, then the run, then the stop.</summary>
public static partial class StampedeApp
{
    /// <summary>Exit code when Ctrl-C (or SIGTERM) came while the target was still starting: 128 + SIGINT, as a shell reports it.</summary>
    internal const int InterruptedExitCode = 130;

    private static async Task<int> RunWithTargetAsync(
        LoadTest test,
        LoadTestOptions options,
        CliSettings settings,
        GateInputs gates,
        LoadShape? shape,
        IAnsiConsole console,
        TextWriter errors,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        TargetStart started = await StartTargetAsync(settings, console, errors, (p, c) => ColdStartRunner.RunAsync(test, settings, p, c), cancellationToken).ConfigureAwait(false);
        if (started.Target is not { } target)
        {
            return started.FailureExitCode;
        }

        try
        {
            // The started server is watched as --watch-pid would: its CPU and memory, its children included.
            options.WatchPids = [.. options.WatchPids, target.ProcessId];
            options.ColdStartTrials = started.Trials;
            return await RunAndReportAsync(test, settings, gates, shape, console, errors, time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await StopTargetAsync(target, settings, console).ConfigureAwait(false);
        }
    }

    private static async Task<int> RunDashboardWithTargetAsync(
        LoadTestOptions options,
        CliSettings settings,
        GateInputs gates,
        Type[] users,
        IAnsiConsole console,
        TextWriter errors,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        TargetStart started = await StartTargetAsync(
            settings,
            console,
            errors,
            async (progress, cancel) =>
            {
                // The dashboard's runs start and stop on demand: the server is started once and serves them all.
                TargetProcess target = await TargetProcess.StartAsync(ColdStartRunner.ProcessOptions(settings, 1), cancel).ConfigureAwait(false);
                progress(string.Create(CultureInfo.InvariantCulture, $"Started the target `{target.Command}` (pid {target.ProcessId}, log {target.LogPath}): ready in {target.ReadyTime.TotalSeconds:0.000} s; it serves the dashboard's runs."));
                return ([], target);
            },
            cancellationToken).ConfigureAwait(false);
        if (started.Target is not { } target)
        {
            return started.FailureExitCode;
        }

        try
        {
            options.WatchPids = [.. options.WatchPids, target.ProcessId];
            return await Web.DashboardApp.RunAsync(settings, gates, options, users, console, errors, time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await StopTargetAsync(target, settings, console).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts the target with <paramref name="start"/>, Ctrl-C and SIGTERM stopping it. When it fails, says why on
    /// <paramref name="errors"/> and returns no target with the exit code to end with; no server is then left running.
    /// </summary>
    private static async Task<TargetStart> StartTargetAsync(
        CliSettings settings,
        IAnsiConsole console,
        TextWriter errors,
        Func<Action<string>, CancellationToken, Task<(IReadOnlyList<ColdStartTrial> Trials, TargetProcess Target)>> start,
        CancellationToken cancellationToken)
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, interrupt));
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, interrupt));
        bool info = settings.LogLevel <= LogLevel.Info;
        void Progress(string line)
        {
            if (info)
            {
                console.MarkupLine(Markup.Escape(line));
            }
        }

        try
        {
            (IReadOnlyList<ColdStartTrial> trials, TargetProcess target) = await start(Progress, interrupt.Token).ConfigureAwait(false);
            return new TargetStart(trials, target, 0);
        }
        catch (TargetProcessException ex)
        {
            await errors.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return new TargetStart([], null, UsageErrorExitCode);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            await errors.WriteLineAsync($"Interrupted while the target `{settings.TargetCommand}` was starting: it was stopped, and no run took place.").ConfigureAwait(false);
            return new TargetStart([], null, InterruptedExitCode);
        }
    }

    private static async Task StopTargetAsync(TargetProcess target, CliSettings settings, IAnsiConsole console)
    {
        await target.StopAsync().ConfigureAwait(false);
        if (settings.LogLevel <= LogLevel.Info)
        {
            console.MarkupLine(Markup.Escape($"Stopped the target (pid {target.ProcessId.ToString(CultureInfo.InvariantCulture)}); its output is in {target.LogPath}."));
        }
    }

    /// <summary>The started target with its cold-start trials, or none and the exit code to end with.</summary>
    private readonly record struct TargetStart(IReadOnlyList<ColdStartTrial> Trials, TargetProcess? Target, int FailureExitCode);
}
