using System.Diagnostics;
using System.Threading.Channels;
using NATS.Client.Core;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Cluster;

/// <summary>
/// An agent's reports on their way to the coordinator: queued by the run's metrics thread, sent in order by one task,
/// each numbered and sent again until the coordinator says it took it. A second too large for one NATS message goes in
/// parts (they merge as the whole does).
/// </summary>
internal sealed class ReportUplink
{
    /// <summary>How long one try waits for its answer.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(1.5);

    private readonly NatsConnection _nats;
    private readonly string _subject;
    private readonly string _agent;
    private readonly int _run;
    private readonly Action _touch;
    private readonly Action<string> _stopped;
    private readonly Channel<ClusterProtocol.Report> _queue = Channel.CreateUnbounded<ClusterProtocol.Report>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource _finalTaken = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _samplesSent;
    private int _warningsSent;
    private int _runWarningsSent;
    private long _sequence;

    /// <param name="nats">The connection.</param>
    /// <param name="runId">The run id (subjects).</param>
    /// <param name="agent">This agent's name.</param>
    /// <param name="run">The coordinator's run number.</param>
    /// <param name="touch">Called on every answer: the coordinator is alive.</param>
    /// <param name="stopped">Called once when the coordinator says this agent is out of the run, with its reason.</param>
    public ReportUplink(NatsConnection nats, string runId, string agent, int run, Action touch, Action<string> stopped)
    {
        _nats = nats;
        _subject = ClusterProtocol.ReportSubject(runId);
        _agent = agent;
        _run = run;
        _touch = touch;
        _stopped = stopped;
    }

    /// <summary>Why this agent ended its run on its own, sent with its last report (<see cref="ClusterProtocol.Report.EndReason"/>).</summary>
    public string? EndReason { get; set; }

    /// <summary>Reports sent again because no answer came in time.</summary>
    public long Resent { get; private set; }

    /// <summary>Completes when the run's last report was taken.</summary>
    public Task FinalTaken => _finalTaken.Task;

    /// <summary>On the run's metrics thread: queues what the second brought.</summary>
    public void Enqueue(Cluster.AgentSecond second)
    {
        StatsSnapshot snapshot = second.Snapshot;
        GeneratorHealth health = snapshot.Generator;
        var report = new ClusterProtocol.Report
        {
            Agent = _agent,
            Run = _run,
            Sequence = 0,
            Frequency = Stopwatch.Frequency,
            ElapsedSeconds = snapshot.Elapsed.TotalSeconds,
            Users = snapshot.Users,
            Intervals = second.Export.Intervals,
            Errors = second.Export.Errors,
            Health = health with { Samples = [], Warnings = [] },
            Samples = Since(health.Samples, ref _samplesSent),
            GeneratorWarnings = Since(health.Warnings, ref _warningsSent),
            RunWarnings = Since(snapshot.Warnings, ref _runWarningsSent),
            Arrivals = second.Arrivals is { } a ? new FleetArrivals(a.DueIterations, a.StartedIterations, a.DroppedIterations, a.Users, a.BusyUsers, a.MaxUsers) : null,
            Final = second.Final,
            StopReason = second.StopReason,
            EndReason = second.Final ? EndReason : null,
        };
        _queue.Writer.TryWrite(report);
        if (second.Final)
        {
            _queue.Writer.TryComplete();
        }
    }

    /// <summary>Sends every queued report in order until the last one is taken, the coordinator says stop, or <paramref name="cancellationToken"/>.</summary>
    public async Task SendAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (ClusterProtocol.Report report in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach ((ClusterProtocol.Report part, byte[] payload) in Parts(report))
                {
                    if (!await DeliverAsync(part.Sequence, payload, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                if (report.Final)
                {
                    _finalTaken.TrySetResult();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The agent ends.
        }
    }

    /// <summary>Sends one report until it is taken; <see langword="false"/> when the coordinator said stop.</summary>
    private async Task<bool> DeliverAsync(long sequence, byte[] payload, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                NatsMsg<byte[]> reply = await _nats.RequestAsync<byte[], byte[]>(_subject, payload, replyOpts: new NatsSubOpts { Timeout = AnswerTimeout }, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!reply.HasNoResponders && reply.Data is { } data)
                {
                    ClusterProtocol.ReportAck ack = ClusterProtocol.Decode<ClusterProtocol.ReportAck>(data);
                    _touch();
                    if (ack.Stop)
                    {
                        _stopped(ack.Reason ?? "the coordinator stopped this agent");
                        return false;
                    }

                    if (ack.Taken >= sequence)
                    {
                        return true;
                    }
                }
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException or InvalidDataException)
            {
                // No answer in time (a dropped connection, a busy coordinator): the same report goes again.
            }

            Resent++;
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The report, numbered and encoded, in parts that fit the server's message size (each second's rows spread over parts when needed).</summary>
    private IEnumerable<(ClusterProtocol.Report Report, byte[] Payload)> Parts(ClusterProtocol.Report report)
    {
        int limit = (int)(Math.Max(64 * 1024, _nats.ServerInfo?.MaxPayload ?? 1024 * 1024) * 0.8);
        ClusterProtocol.Report whole = report with { Sequence = ++_sequence };
        byte[] encoded = ClusterProtocol.Encode(whole);
        int length = encoded.Length;
        if (length <= limit || report.Intervals.Count == 0)
        {
            yield return (whole, encoded);
            yield break;
        }

        // Rows cost what their histograms hold (measured: about 13 KB a row at 1,000 requests a second): parts of as
        // many rows as half the limit holds at this report's own bytes per row.
        _sequence--;
        int rows = Math.Max(1, report.Intervals.Sum(i => i.Rows.Count));
        int rowsPerPart = Math.Max(1, (int)(limit / 2.0 / Math.Max(1, length / rows)));
        foreach (IntervalState interval in report.Intervals)
        {
            foreach (IntervalState part in interval.Split(rowsPerPart))
            {
                ClusterProtocol.Report piece = report with { Sequence = ++_sequence, Intervals = [part], Errors = [], Samples = [], GeneratorWarnings = [], RunWarnings = [], Final = false };
                yield return (piece, ClusterProtocol.Encode(piece));
            }
        }

        ClusterProtocol.Report last = report with { Sequence = ++_sequence, Intervals = [] };
        yield return (last, ClusterProtocol.Encode(last));
    }

    private static IReadOnlyList<T> Since<T>(IReadOnlyList<T> all, ref int sent)
    {
        if (all.Count <= sent)
        {
            return [];
        }

        var fresh = new T[all.Count - sent];
        for (int i = 0; i < fresh.Length; i++)
        {
            fresh[i] = all[sent + i];
        }

        sent = all.Count;
        return fresh;
    }
}
