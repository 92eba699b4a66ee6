using System.Collections;
using System.Globalization;
using NATS.Client.Core;
using Stampede.Cli;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Reports;

namespace Stampede.Cluster;

/// <summary>What an agent does when its coordinator asks.</summary>
internal sealed partial class ClusterAgent
{
    private async Task ServeControlsAsync(INatsSub<byte[]> controls, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (NatsMsg<byte[]> message in controls.Msgs.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Touch();
                ClusterProtocol.ControlReply reply;
                try
                {
                    ClusterProtocol.Control control = ClusterProtocol.Decode<ClusterProtocol.Control>(message.Data ?? []);
                    if (control.Kind == ClusterProtocol.Kinds.Plan)
                    {
                        // Getting ready takes a while (users start, a pool fills): answered when done, while pings go on.
                        _ = PlanAndAnswerAsync(message, control, cancellationToken);
                        continue;
                    }

                    reply = Handle(control);
                }
                catch (InvalidDataException ex)
                {
                    reply = new ClusterProtocol.ControlReply(false, $"the agent could not read the request ({ex.Message})", ClusterProtocol.NowUnixMs());
                }

                await TryReplyAsync(message, reply).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The agent ends.
        }
    }

    private static async Task TryReplyAsync(NatsMsg<byte[]> message, ClusterProtocol.ControlReply reply)
    {
        try
        {
            await message.ReplyAsync(ClusterProtocol.Encode(reply)).ConfigureAwait(false);
        }
        catch (NatsException)
        {
            // Disconnected: the coordinator asks again or counts this agent lost.
        }
    }

    private ClusterProtocol.ControlReply Handle(ClusterProtocol.Control control)
    {
        AgentRun? run;
        lock (_lock)
        {
            run = _run;
        }

        string? error = null;
        switch (control.Kind)
        {
            case ClusterProtocol.Kinds.Ping:
                break;
            case ClusterProtocol.Kinds.Quit:
                _ = EndAsync(0, "the coordinator ended; quitting", abort: false);
                break;
            case ClusterProtocol.Kinds.Stop:
                run?.Stop(now: false);
                break;
            default:
                if (run is null || run.Number != control.Run)
                {
                    error = $"this agent has no run {control.Run} in progress";
                    break;
                }

                try
                {
                    switch (control.Kind)
                    {
                        case ClusterProtocol.Kinds.Start:
                            run.Start(control.StartUnixMs);
                            break;
                        case ClusterProtocol.Kinds.Users:
                            run.Test.SetUsers(control.Users, control.SpawnRate);
                            break;
                        case ClusterProtocol.Kinds.Rate:
                            run.Test.SetRate(control.Rate, control.AtSeconds);
                            break;
                        case ClusterProtocol.Kinds.Replan:
                            run.Test.Replan(control.Index, control.Count, control.AtSeconds);
                            Say(string.Create(CultureInfo.InvariantCulture, $"Agent {_name}: re-planned from second {control.AtSeconds:0}: now {control.Index + 1} of {control.Count}."));
                            break;
                        default:
                            error = $"'{control.Kind}' is not a request this agent knows: run the same Stampede version on the coordinator and every agent";
                            break;
                    }
                }
                catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
                {
                    error = ex.Message;
                }

                break;
        }

        return new ClusterProtocol.ControlReply(error is null, error, ClusterProtocol.NowUnixMs());
    }

    private async Task PlanAndAnswerAsync(NatsMsg<byte[]> message, ClusterProtocol.Control plan, CancellationToken cancellationToken)
    {
        string? error;
        try
        {
            error = await PlanAsync(plan, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever stops this agent from taking its share is told to the coordinator, which stops the run with it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = $"{ex.GetType().Name}: {Security.Secrets.Redact(ex.Message)}";
        }

        await TryReplyAsync(message, new ClusterProtocol.ControlReply(error is null, error, ClusterProtocol.NowUnixMs())).ConfigureAwait(false);
    }

    /// <summary>Builds this agent's share of the run from the coordinator's arguments and starts it up to its start; <see langword="null"/> when ready, else why not.</summary>
    private async Task<string?> PlanAsync(ClusterProtocol.Control plan, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_run is { } busy && !busy.Completion.IsCompleted)
            {
                return $"this agent is still running run {busy.Number}";
            }
        }

        var commandLine = new CommandLine("A distributed run's agent.");
        ParseOutcome outcome = commandLine.Parse(plan.Arguments ?? [], new Hashtable());
        if (outcome.Settings is not { } settings)
        {
            return outcome.Errors.Count > 0 ? $"its arguments are not valid here: {string.Join(" ", outcome.Errors)}" : "its arguments asked for help, not a run";
        }

        (LoadShape? shape, string? shapeProblem) = StampedeApp.CreateShape(settings, _userTypes);
        if (shapeProblem is not null)
        {
            return shapeProblem;
        }

        LoadTestOptions options = StampedeApp.CreateOptions(settings, shape);
        if (plan.Host is not null)
        {
            options.Host = plan.Host;
        }

        if (!options.IsOpenModel && plan.Users >= 0)
        {
            options.Users = plan.Users;
            options.SpawnRate = plan.SpawnRate > 0 ? plan.SpawnRate : options.SpawnRate;
        }

        options.RunTime = plan.RunTimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.RunTime;
        AgentOnly(options, plan.Seed);

        var uplink = new ReportUplink(_nats, _cluster.RunId, _name, plan.Run, Touch, reason => _ = EndAsync(StampedeApp.ClusterFailedExitCode, $"the coordinator stopped this agent: {reason}", abort: true));
        var run = new AgentRun(plan.Run, plan.Index, plan.Count, uplink);
        options.Agent = new AgentHooks
        {
            Partition = new LoadPartition(plan.Index, plan.Count),
            WaitForStartAsync = run.WaitForStartAsync,
            Report = uplink.Enqueue,
        };

        Type[] users = [.. _userTypes.Where(t => !typeof(LoadShape).IsAssignableFrom(t))];
        try
        {
            run.Test = new LoadTest(options, users, TimeProvider.System);
        }
        catch (Exception ex) when (ex is ArgumentException or ScenarioException)
        {
            return ex.Message;
        }

        Task sending = uplink.SendAsync(cancellationToken);
        run.Running = Task.Run(() => run.Test.RunAsync(cancellationToken), CancellationToken.None);
        run.Completion = EndRunAsync(run, settings, shape, sending);
        lock (_lock)
        {
            _run = run;
        }

        await Task.WhenAny(run.Ready, run.Running).ConfigureAwait(false);
        if (!run.Ready.IsCompleted)
        {
            return run.Running.IsFaulted ? $"its run failed before the start: {run.Running.Exception?.InnerException?.Message}" : "its run ended before the start";
        }

        string share = options.IsOpenModel ? $"1 in {plan.Count} arrivals" : shape is null ? $"{LoadPartition.Share(options.Users, plan.Index, plan.Count)} of {options.Users} users" : $"1 in {plan.Count} users";
        Say($"Agent {_name}: run {plan.Run}, agent {plan.Index + 1} of {plan.Count} ({share}); ready.");
        return null;
    }

    /// <summary>What an agent leaves to its coordinator: thresholds, target telemetry, experiments' decisions (it runs their steps' rates when told).</summary>
    private static void AgentOnly(LoadTestOptions options, int seed)
    {
        options.Seed = seed;
        options.Thresholds = [];
        options.MetricsEndpoints = [];
        options.WatchPids = [];
        options.Watches = [];
        options.Autoscaling = null;
        options.Soak = false;
        if (options.FindCapacity is { } find)
        {
            options.Rate = find.StartRate;
        }
        else if (options.Stress is { } stress)
        {
            options.Rate = stress.StartRate;
        }

        options.FindCapacity = null;
        options.Stress = null;
    }

    /// <summary>Waits for the run, lets its last report go, writes this agent's own outputs (its share) and says how it went.</summary>
    private async Task EndRunAsync(AgentRun run, CliSettings planSettings, LoadShape? shape, Task sending)
    {
        RunResult? result = null;
        try
        {
            result = await run.Running.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The run's failure is told here; the coordinator counts the agent lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await _errors.WriteLineAsync($"error: run {run.Number} failed on this agent ({ex.GetType().Name}: {Security.Secrets.Redact(ex.Message)}).").ConfigureAwait(false);
        }

        await Task.WhenAny(run.Uplink.FinalTaken, sending, _coordinatorGone.Task, Task.Delay(_cluster.HeartbeatTimeout * 2)).ConfigureAwait(false);
        if (result is not null)
        {
            var report = new RunReport
            {
                Result = result,
                Settings = StampedeApp.SettingsSummary(planSettings with { Arguments = _settings.Arguments }, shape),
                ExitCode = 0,
                ToolVersion = StampedeApp.Version,
            };
            foreach ((string what, IExporter exporter) in StampedeApp.Exporters(_settings))
            {
                try
                {
                    await exporter.ExportAsync(report, CancellationToken.None).ConfigureAwait(false);
                    Say($"Agent {_name}: wrote {what} (this agent's share).");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await _errors.WriteLineAsync($"error: could not write {what}: {ex.Message}").ConfigureAwait(false);
                }
            }

            RowStats total = result.Stats.Total;
            Say(string.Create(CultureInfo.InvariantCulture, $"Agent {_name}: run {run.Number} ended ({result.StopReason}) after {result.Stats.Elapsed.TotalSeconds:0.0} s: {total.Requests} requests, {total.Failures} failed, p50 {total.MedianMs:0.###} ms, p99 {total.GetPercentile(99):0.###} ms; {run.Uplink.Resent} reports sent again."));
        }

        lock (_lock)
        {
            if (_run == run)
            {
                _run = null;
            }
        }

        run.Test.Dispose();
    }
}
