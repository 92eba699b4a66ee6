using System.Diagnostics;
using System.Globalization;
using NATS.Client.Core;

namespace Stampede.Cluster;

/// <summary>The coordinator's listeners: agents joining, agents' reports, and its own heartbeat.</summary>
internal sealed partial class NatsFleet
{
    private const int MaxRefusalsKept = 100;

    private async Task ListenAsync()
    {
        CancellationToken closing = _closing.Token;
        INatsSub<byte[]> joins = await _nats.SubscribeCoreAsync<byte[]>(ClusterProtocol.JoinSubject(_settings.RunId), cancellationToken: closing).ConfigureAwait(false);
        INatsSub<byte[]> reports = await _nats.SubscribeCoreAsync<byte[]>(ClusterProtocol.ReportSubject(_settings.RunId), cancellationToken: closing).ConfigureAwait(false);
        _loops.Add(ServeAsync(joins, OnJoinAsync, closing));
        _loops.Add(ServeAsync(reports, OnReportAsync, closing));
        _loops.Add(HeartbeatAsync(closing));
    }

    private static async Task ServeAsync(INatsSub<byte[]> subscription, Func<NatsMsg<byte[]>, ValueTask> handle, CancellationToken closing)
    {
        await using (subscription.ConfigureAwait(false))
        {
            try
            {
                await foreach (NatsMsg<byte[]> message in subscription.Msgs.ReadAllAsync(closing).ConfigureAwait(false))
                {
                    try
                    {
                        await handle(message).ConfigureAwait(false);
                    }
                    catch (NatsException)
                    {
                        // The answer could not be sent (the connection dropped): the agent asks again.
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The fleet closed.
            }
        }
    }

    private async ValueTask OnJoinAsync(NatsMsg<byte[]> message)
    {
        ClusterProtocol.JoinRequest join;
        try
        {
            join = ClusterProtocol.Decode<ClusterProtocol.JoinRequest>(message.Data ?? []);
        }
        catch (InvalidDataException ex)
        {
            await message.ReplyAsync(ClusterProtocol.Encode(new ClusterProtocol.JoinReply(false, $"the coordinator could not read the request to join ({ex.Message}): run the same Stampede version on every machine"))).ConfigureAwait(false);
            return;
        }

        string? refusal = null;
        if (join.Protocol != ClusterProtocol.Version || join.StampedeVersion != StampedeApp.Version)
        {
            refusal = $"agent {join.Name} runs Stampede {join.StampedeVersion} (cluster protocol {join.Protocol}) and this coordinator Stampede {StampedeApp.Version} (protocol {ClusterProtocol.Version}): build every agent and the coordinator from the same Stampede version";
        }
        else if (join.Scenario != _scenario)
        {
            refusal = $"agent {join.Name} runs another scenario (fingerprint {join.Scenario}; the coordinator's is {_scenario}): its user classes, weights or tasks differ; build every agent from the coordinator's scenario";
        }

        lock (_lock)
        {
            FleetAgent? known = _agents.Find(a => a.Name == join.Name);
            if (refusal is null && _running)
            {
                refusal = $"agent {join.Name} asked to join after the run started: agents join before the start (--expect-agents {_settings.ExpectAgents}); a late agent is refused rather than given a share, so the plan stays the one the run started with";
            }
            else if (refusal is null && known is null && _agents.Count >= _settings.ExpectAgents)
            {
                refusal = $"agent {join.Name} would be agent {_agents.Count + 1} of a run that expects {_settings.ExpectAgents} (--expect-agents): give the coordinator a higher --expect-agents, or start fewer agents";
            }

            if (refusal is not null)
            {
                if (_refused.Count < MaxRefusalsKept)
                {
                    _refused.Add(refusal);
                }

                _log($"Refused: {refusal}.");
            }
            else
            {
                // An agent of the same name that joins again (a restarted pod) takes its place.
                _agents.RemoveAll(a => a.Name == join.Name);
                _agents.Add(new FleetAgent(join, Stopwatch.GetTimestamp()) { Index = -1, LastSeen = Stopwatch.GetTimestamp() });
                _log(string.Create(CultureInfo.InvariantCulture, $"Agent {join.Name} joined from {join.Host} ({join.Cores} cores): {_agents.Count} of {_settings.ExpectAgents}."));
                _agentsChanged.TrySetResult();
                _agentsChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        await message.ReplyAsync(ClusterProtocol.Encode(new ClusterProtocol.JoinReply(refusal is null, refusal))).ConfigureAwait(false);
    }

    private async ValueTask OnReportAsync(NatsMsg<byte[]> message)
    {
        ClusterProtocol.Report report;
        try
        {
            report = ClusterProtocol.Decode<ClusterProtocol.Report>(message.Data ?? []);
        }
        catch (InvalidDataException ex)
        {
            _log($"A report could not be read and was ignored ({ex.Message}); its agent will send it again.");
            return;
        }

        ClusterProtocol.ReportAck ack;
        lock (_lock)
        {
            FleetAgent? agent = _agents.Find(a => a.Name == report.Agent);
            if (agent is null || agent.Index < 0 || report.Run != _run)
            {
                ack = new ClusterProtocol.ReportAck(0, true, $"agent {report.Agent} is not in the coordinator's run {_run}");
            }
            else if (agent.State == AgentState.Lost)
            {
                ack = new ClusterProtocol.ReportAck(agent.Taken, true, string.Create(CultureInfo.InvariantCulture, $"the coordinator counted agent {agent.Name} lost {agent.LostAtSeconds:0.#} s into the run ({agent.LostReason})"));
            }
            else
            {
                int size = message.Data?.Length ?? 0;
                agent.LastSeen = Stopwatch.GetTimestamp();
                agent.BytesReceived += size;
                _bytes += size;
                if (report.Sequence <= agent.Taken)
                {
                    agent.Resent++;
                }
                else if (report.Sequence == agent.Taken + 1)
                {
                    agent.Taken = report.Sequence;
                    agent.Reports++;
                    agent.FinalReceived |= report.Final;
                    _inbox.Enqueue((agent, report));
                }

                // A gap (a report lost on the way) is answered with the last one taken: the agent sends from there.
                ack = new ClusterProtocol.ReportAck(agent.Taken, false, null);
            }
        }

        await message.ReplyAsync(ClusterProtocol.Encode(ack)).ConfigureAwait(false);
    }

    private async Task HeartbeatAsync(CancellationToken closing)
    {
        using var timer = new PeriodicTimer(HeartbeatPeriod);
        try
        {
            do
            {
                try
                {
                    await _nats.PublishAsync(ClusterProtocol.HeartbeatSubject(_settings.RunId), ClusterProtocol.Encode(new ClusterProtocol.Heartbeat(_run, ClusterProtocol.NowUnixMs())), cancellationToken: closing).ConfigureAwait(false);
                }
                catch (NatsException)
                {
                    // Disconnected: the client reconnects, and the next beat goes out.
                }
            }
            while (await timer.WaitForNextTickAsync(closing).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // The fleet closed.
        }
    }
}
