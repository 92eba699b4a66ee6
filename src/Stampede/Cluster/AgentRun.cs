using System.Diagnostics;
using Stampede.Load;

namespace Stampede.Cluster;

/// <summary>One run of an agent: its test, its start on the coordinator's clock, and its reports' way out.</summary>
internal sealed class AgentRun(int number, int index, int count, ReportUplink uplink)
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<double> _startAt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The coordinator's run number.</summary>
    public int Number { get; } = number;

    public int Index { get; } = index;

    public int Count { get; } = count;

    public ReportUplink Uplink { get; } = uplink;

    public LoadTest Test { get; set; } = null!;

    /// <summary>The test's own run (ends with its result).</summary>
    public Task<RunResult> Running { get; set; } = null!;

    /// <summary>The whole run: the test, its last report taken, its outputs written.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>Completes when the users are ready and the test waits for its start.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Stops the run (users stop as at the end of the run time; at once when <paramref name="now"/>); nothing once it has ended.</summary>
    public void Stop(bool now)
    {
        if (Completion.IsCompleted || Running is null || Running.IsCompleted)
        {
            return;
        }

        try
        {
            if (now)
            {
                Test.Abort();
            }
            else
            {
                Test.Stop();
            }
        }
        catch (ObjectDisposedException)
        {
            // It ended meanwhile.
        }
    }

    /// <summary>The coordinator's start, as Unix ms on this machine's clock.</summary>
    public void Start(double unixMs) => _startAt.TrySetResult(unixMs);

    /// <summary>The test's <see cref="Cluster.AgentHooks.WaitForStartAsync"/>: says it is ready, waits for the start, returns it as a timestamp.</summary>
    public async Task<long> WaitForStartAsync(CancellationToken cancellationToken)
    {
        _ready.TrySetResult();
        double at = await _startAt.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        long start = Stopwatch.GetTimestamp() + (long)((at - ClusterProtocol.NowUnixMs()) / 1000 * Stopwatch.Frequency);

        // Sleep to within 2 ms of the start, then yield until it: every agent's users begin within a timer's slack of it.
        while (true)
        {
            double left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), start).TotalMilliseconds;
            if (left <= 0)
            {
                return start;
            }

            if (left > 2)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(left - 2), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Yield();
            }
        }
    }
}
