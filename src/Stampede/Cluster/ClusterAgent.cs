using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using NATS.Client.Core;
using Spectre.Console;
using Stampede.Cli;
using Stampede.Load;
using Stampede.Reports;
using Stampede.Terminal;

namespace Stampede.Cluster;

/// <summary>
/// A distributed run's agent (<c>--agent</c>): joins its coordinator on the NATS server, runs the share of the users
/// each plan gives it, reports every second until each report is taken, and stops its users when the coordinator goes
/// silent, so nothing keeps sending load unattended. One agent serves its coordinator's runs until told to quit.
/// </summary>
internal sealed partial class ClusterAgent
{
    private readonly CliSettings _settings;
    private readonly Type[] _userTypes;
    private readonly IAnsiConsole _console;
    private readonly TextWriter _errors;
    private readonly ClusterSettings _cluster;
    private readonly string _name;
    private readonly NatsConnection _nats;
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _coordinatorGone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastContact;
    private AgentRun? _run;

    private ClusterAgent(CliSettings settings, Type[] userTypes, IAnsiConsole console, TextWriter errors, string name, NatsConnection nats)
    {
        _settings = settings;
        _userTypes = userTypes;
        _console = console;
        _errors = errors;
        _cluster = settings.Cluster;
        _name = name;
        _nats = nats;
    }

    /// <summary>Runs the agent until its coordinator tells it to quit (0), refuses it or is lost (<see cref="StampedeApp.ClusterFailedExitCode"/>), or Ctrl-C (130).</summary>
    public static async Task<int> RunAsync(CliSettings settings, Type[] userTypes, IAnsiConsole console, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        PlainConsole.Adapt(console);
        NatsConnector.NoteSecrets(settings.Cluster);
        string name = settings.Cluster.AgentName ?? DefaultName();
        NatsConnection nats;
        try
        {
            nats = await NatsConnector.ConnectAsync(settings.Cluster, $"stampede-agent-{name}", cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterException ex)
        {
            await errors.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return StampedeApp.ClusterFailedExitCode;
        }

        await using (nats.ConfigureAwait(false))
        {
            var agent = new ClusterAgent(settings, userTypes, console, errors, name, nats);
            return await agent.ServeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The host name and process id, as a subject token: <c>gen-3-4711</c>.</summary>
    internal static string DefaultName()
    {
        string host = new([.. Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);
        return $"{(host.Length == 0 ? "agent" : host[..Math.Min(host.Length, 40)])}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
    }

    private void Say(string line)
    {
        if (_settings.LogLevel <= LogLevel.Info)
        {
            _console.MarkupLine(Markup.Escape(line));
        }
    }

    private async Task<int> ServeAsync(CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c));
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c));
        INatsSub<byte[]> controls = await _nats.SubscribeCoreAsync<byte[]>(ClusterProtocol.AgentSubject(_cluster.RunId, _name), cancellationToken: stopping.Token).ConfigureAwait(false);
        INatsSub<byte[]> heartbeats = await _nats.SubscribeCoreAsync<byte[]>(ClusterProtocol.HeartbeatSubject(_cluster.RunId), cancellationToken: stopping.Token).ConfigureAwait(false);
        await using (controls.ConfigureAwait(false))
        await using (heartbeats.ConfigureAwait(false))
        {
            if (await JoinAsync(stopping.Token).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            Touch();
            Task control = ServeControlsAsync(controls, stopping.Token);
            Task beats = ListenAsync(heartbeats, stopping.Token);
            Task watch = WatchCoordinatorAsync(stopping.Token);
            int code = await _exit.Task.ConfigureAwait(false);
            await stopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(control, beats, watch).ConfigureAwait(false);
            return code;
        }

        void OnSignal(PosixSignalContext context)
        {
            // The first Ctrl-C stops this agent's users and ends it (its coordinator sees its last report); a second kills it.
            if (!_exit.Task.IsCompleted)
            {
                context.Cancel = true;
                _ = EndAsync(130, "stopped (Ctrl-C or SIGTERM): its users stop and its last report goes to the coordinator", abort: false);
            }
        }
    }

    /// <summary>Asks the coordinator to take this agent in, until it answers or the wait runs out.</summary>
    /// <returns><see langword="null"/> when taken in; else the exit code.</returns>
    private async Task<int?> JoinAsync(CancellationToken cancellationToken)
    {
        var request = new ClusterProtocol.JoinRequest
        {
            Protocol = ClusterProtocol.Version,
            StampedeVersion = StampedeApp.Version,
            Scenario = ScenarioFingerprint.Of(_userTypes),
            Name = _name,
            Host = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            Cores = Environment.ProcessorCount,
        };
        string server = NatsConnector.Display(_cluster.NatsUrl);
        Say($"Agent {_name}: joining run '{_cluster.RunId}' on {server}.");
        long deadline = Stopwatch.GetTimestamp() + (long)(_cluster.ExpectAgentsTimeout.TotalSeconds * Stopwatch.Frequency);
        bool waitingSaid = false;
        while (true)
        {
            try
            {
                NatsMsg<byte[]> reply = await _nats.RequestAsync<byte[], byte[]>(
                    ClusterProtocol.JoinSubject(_cluster.RunId),
                    ClusterProtocol.Encode(request),
                    replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(2) },
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!reply.HasNoResponders && reply.Data is { } data)
                {
                    ClusterProtocol.JoinReply answer = ClusterProtocol.Decode<ClusterProtocol.JoinReply>(data);
                    if (answer.Accepted)
                    {
                        Say($"Agent {_name}: joined; waiting for the coordinator's plan.");
                        return null;
                    }

                    await _errors.WriteLineAsync($"error: the coordinator refused this agent: {answer.Reason}.").ConfigureAwait(false);
                    return StampedeApp.ClusterFailedExitCode;
                }
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException or InvalidDataException)
            {
                // No coordinator yet (no responders), or it did not answer in time: ask again.
            }
            catch (OperationCanceledException)
            {
                return 130;
            }

            if (!waitingSaid)
            {
                waitingSaid = true;
                Say($"Agent {_name}: no coordinator on run '{_cluster.RunId}' yet; asking every second.");
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                await _errors.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"error: no coordinator answered on run '{_cluster.RunId}' at {server} within {_cluster.ExpectAgentsTimeout.TotalSeconds:0} s: start it with --coordinator --run-id {_cluster.RunId}, or check that both use the same --nats and --run-id (--expect-agents-timeout waits longer).")).ConfigureAwait(false);
                return StampedeApp.ClusterFailedExitCode;
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return 130;
            }
        }
    }

    /// <summary>Anything from the coordinator (a heartbeat, an answer, a request) shows it is alive.</summary>
    private void Touch() => Volatile.Write(ref _lastContact, Stopwatch.GetTimestamp());

    private async Task ListenAsync(INatsSub<byte[]> heartbeats, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (NatsMsg<byte[]> _ in heartbeats.Msgs.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Touch();
            }
        }
        catch (OperationCanceledException)
        {
            // The agent ends.
        }
    }

    /// <summary>
    /// Ends the agent once the coordinator has been silent for the heartbeat timeout: its users stop at once. The silence
    /// counted is the time this agent could have heard it: when this agent's own threads were starved (thousands of users
    /// starting at once on a busy machine), a heartbeat waiting unread in its socket is not the coordinator's silence, so
    /// the time this watch itself ran late is left out.
    /// </summary>
    private async Task WatchCoordinatorAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromMilliseconds(200);
        using var timer = new PeriodicTimer(period);
        var watch = new SilenceWatch(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                TimeSpan silent = watch.Tick(Stopwatch.GetTimestamp(), Volatile.Read(ref _lastContact));
                if (silent > _cluster.HeartbeatTimeout)
                {
                    await EndAsync(
                        StampedeApp.ClusterFailedExitCode,
                        string.Create(CultureInfo.InvariantCulture, $"the coordinator of run '{_cluster.RunId}' has not been heard from for {silent.TotalSeconds:0.#} s (--heartbeat-timeout {_cluster.HeartbeatTimeout.TotalSeconds:0.#}s): it or the NATS server is gone, so this agent stopped its users"),
                        abort: true).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The agent ends.
        }
    }

    /// <summary>Stops the run in progress (at once when <paramref name="abort"/>), lets its last report go, and ends the agent with <paramref name="code"/>.</summary>
    private async Task EndAsync(int code, string why, bool abort)
    {
        AgentRun? run;
        lock (_lock)
        {
            run = _run;
        }

        if (code == 0)
        {
            Say($"Agent {_name}: {why}.");
        }
        else
        {
            await _errors.WriteLineAsync($"{(code == 130 ? "Agent " + _name : "error")}: {why}.").ConfigureAwait(false);
        }

        if (abort)
        {
            // Nobody will take the last report: the run's end does not wait for it.
            _coordinatorGone.TrySetResult();
        }

        if (run is not null)
        {
            run.Uplink.EndReason = code == 130
                ? "stopped on its machine (Ctrl-C or SIGTERM) before the run ended"
                : $"it stopped its users: {why}";
            run.Stop(now: abort);
            await run.Completion.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        _exit.TrySetResult(code);
    }
}
