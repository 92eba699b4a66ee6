using Stampede.Http;
using Stampede.Metrics;

namespace Stampede.Load;

public sealed partial class LoadTest
{
    /// <summary>
    /// The cold-start probe: one user of each class that would run (in the order given; a class of weight 0 without a
    /// fixed count is left out) starts, runs each of its tasks once in declaration order (or <see cref="TaskAttribute"/>
    /// order) with no think time, and stops. Every request it sends is returned, in the order sent, instead of being
    /// folded into histograms: each is one measurement of a server that has just become ready.
    /// </summary>
    /// <remarks>
    /// Call it right after the target became ready and before <see cref="RunAsync"/>; its requests are not part of the
    /// run's statistics. One user at a time, so the first request measures the server's own first-request cost
    /// (lazy model loading, compilation, caches) and not a crowd's queueing. Requests sent by <c>OnStartAsync</c>
    /// (a log-in) are returned too.
    /// </remarks>
    /// <param name="cancellationToken">Stops the probe; the requests completed so far are still returned.</param>
    /// <returns>Every request the probe sent, earliest first.</returns>
    public async Task<IReadOnlyList<FirstRequestSample>> RunFirstRequestsAsync(CancellationToken cancellationToken = default)
    {
        var recorder = new MetricsRecorder();
        var settings = new RunSettings(_options.Host, _options.HttpVersion, _options.RequestTimeout, null) { SourceAddresses = _options.SourceAddresses, Insecure = _options.Insecure, MaxBodyBytes = _options.MaxBodyBytes };
        EnsureThreadPoolHeadroom();
        if (_classes.Any(c => c.TalksToHost))
        {
            // Once per process: the client stack's first-use compilation must not be charged to the target's first request.
            await HttpWarmup.RunOnceAsync(settings, cancellationToken).ConfigureAwait(false);
        }

        int seed = _options.Seed ?? 0;
        long begin = _time.GetTimestamp();
        int id = 0;
        foreach (UserClassInfo userClass in _classes.Where(c => c.Weight > 0 || c.FixedCount > 0))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            User user = userClass.Create();
            var context = new UserContext(id, new Random(VirtualUsers.UserSeed(seed, id)), cancellationToken, recorder, _time, settings);
            id++;
            try
            {
                user.Attach(context);
                if (!await VirtualUsers.GuardAsync(recorder, user.StartAsync, $"{userClass.Name}.OnStartAsync", cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                await RunEachTaskOnceAsync(user, userClass, recorder, cancellationToken).ConfigureAwait(false);
                await VirtualUsers.GuardAsync(recorder, user.OnStopAsync, $"{userClass.Name}.OnStopAsync", CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                user.Detach();
            }
        }

        var sink = new FirstRequestSink([]);
        recorder.Drain(ref sink);
        double ticksPerMs = _time.TimestampFrequency / 1000.0;
        return [.. sink.Samples
            .OrderBy(s => s.Start)
            .Select(s => new FirstRequestSample
            {
                Row = recorder.GetRow(s.RowId),
                LatencyMs = Math.Round(Math.Max(0, s.End - s.IntendedStart) / ticksPerMs, 3),
                TimeToFirstByteMs = Math.Round(Math.Max(0, s.FirstByte - s.IntendedStart) / ticksPerMs, 3),
                SentAfterReadyMs = Math.Round(Math.Max(0, s.Start - begin) / ticksPerMs, 3),
                Failed = s.IsFailure,
                StatusCode = s.StatusCode,
            })];
    }

    private static async Task RunEachTaskOnceAsync(User user, UserClassInfo userClass, MetricsRecorder recorder, CancellationToken cancellationToken)
    {
        foreach (TaskInfo task in userClass.Tasks)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await task.Invoke(user).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (StopUserException)
            {
                return;
            }
#pragma warning disable CA1031 // A task's exception is recorded as an error of that task, as in a run; the probe goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                recorder.RecordUserError(task.Name, ex);
            }
        }
    }

    private readonly struct FirstRequestSink(List<RequestSample> samples) : ISampleSink
    {
        public List<RequestSample> Samples { get; } = samples;

        public void Accept(in RequestSample sample) => Samples.Add(sample);
    }
}
