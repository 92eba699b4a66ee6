using System.Diagnostics;
using System.Threading.Tasks.Sources;

namespace Stampede.Load;

/// <summary>
/// One thread that ends the think time of every closed-model user of a run. A <see cref="Task.Delay(TimeSpan)"/>
/// per wait allocates a promise, a timer and a cancellation registration (about 250 bytes) that live as long as
/// the wait: at 10,000 users thinking 1 s, 2.5 MB a second that outlives every gen0 collection, is promoted and
/// lengthens each pause. Here a wait is an entry in a priority queue and a <see cref="Sleeper"/> each user keeps.
/// </summary>
internal sealed class WakeScheduler : IDisposable
{
    private readonly PriorityQueue<(Sleeper Sleeper, long Version), long> _due = new();
    private readonly List<(Sleeper Sleeper, long Version)> _ready = [];
    private readonly object _gate = new(); // a monitor, not a Lock: the thread waits on it (Monitor.Wait)
    private readonly Thread _thread;
    private bool _disposed;

    public WakeScheduler()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "Stampede think time" };
        _thread.Start();
    }

    /// <summary>Wakes <paramref name="sleeper"/>'s wait <paramref name="version"/> at timestamp <paramref name="dueAt"/>.</summary>
    /// <returns><see langword="false"/> when the scheduler has been disposed (the wait is not queued).</returns>
    internal bool Add(Sleeper sleeper, long version, long dueAt)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            bool earliest = !_due.TryPeek(out _, out long first) || dueAt < first;
            _due.Enqueue((sleeper, version), dueAt);
            if (earliest)
            {
                Monitor.Pulse(_gate);
            }

            return true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Monitor.Pulse(_gate);
        }

        _thread.Join();
    }

    private void Run()
    {
        while (true)
        {
            bool disposed;
            lock (_gate)
            {
                while (!_disposed && !TakeDue())
                {
                    if (_due.TryPeek(out _, out long first))
                    {
                        double waitMs = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), first).TotalMilliseconds;
                        // Whole milliseconds, rounded up: a wait never ends early; it may end up to about 1 ms late.
                        Monitor.Wait(_gate, (int)Math.Clamp(Math.Ceiling(waitMs), 1, int.MaxValue));
                    }
                    else
                    {
                        Monitor.Wait(_gate);
                    }
                }

                disposed = _disposed;
                if (disposed)
                {
                    while (_due.TryDequeue(out (Sleeper, long) entry, out _))
                    {
                        _ready.Add(entry);
                    }
                }
            }

            // Outside the lock: each wake queues the user's continuation on the thread pool.
            foreach ((Sleeper sleeper, long version) in _ready)
            {
                sleeper.Wake(version, slept: !disposed);
            }

            _ready.Clear();
            if (disposed)
            {
                return;
            }
        }
    }

    /// <summary>Moves every entry that is due into <see cref="_ready"/>; whether there was one.</summary>
    private bool TakeDue()
    {
        long now = Stopwatch.GetTimestamp();
        while (_due.TryPeek(out (Sleeper, long) entry, out long dueAt) && dueAt <= now)
        {
            _due.Dequeue();
            _ready.Add(entry);
        }

        return _ready.Count > 0;
    }
}

/// <summary>
/// One user's think time on a <see cref="WakeScheduler"/>: a reusable wait that allocates nothing, ended early
/// (with <see langword="false"/>) when the user's stop token is cancelled.
/// </summary>
internal sealed class Sleeper : IValueTaskSource<bool>, IThreadPoolWorkItem
{
    private readonly WakeScheduler _scheduler;
    private readonly CancellationToken _stop;
    private ManualResetValueTaskSourceCore<bool> _core;
    private long _version;
    private long _waiting; // the version of the wait in progress; 0 when none
    private bool _result;

    public Sleeper(WakeScheduler scheduler, CancellationToken stop)
    {
        _scheduler = scheduler;
        _stop = stop;
        // Once per user, not per wait: a stop ends the wait in progress.
        stop.UnsafeRegister(static state => ((Sleeper)state!).Wake(Volatile.Read(ref ((Sleeper)state!)._waiting), slept: false), this);
    }

    /// <summary>Waits <paramref name="pause"/>: <see langword="true"/> once it has passed, <see langword="false"/> if the user was stopped first.</summary>
    /// <remarks>One wait at a time: the returned task must be awaited before the next call.</remarks>
    public ValueTask<bool> SleepAsync(TimeSpan pause)
    {
        if (_stop.IsCancellationRequested)
        {
            return ValueTask.FromResult(false);
        }

        long dueAt = Stopwatch.GetTimestamp() + (long)Math.Ceiling(pause.TotalSeconds * Stopwatch.Frequency);
        _core.Reset();
        long version = ++_version;
        Volatile.Write(ref _waiting, version);
        if (!_scheduler.Add(this, version, dueAt) || _stop.IsCancellationRequested)
        {
            // Disposed, or stopped between the check above and the wait's start (its callback may have found no wait).
            Wake(version, slept: false);
        }

        return new ValueTask<bool>(this, _core.Version);
    }

    /// <summary>Ends wait <paramref name="version"/> if it is still the one in progress (a timer and a stop may both try).</summary>
    internal void Wake(long version, bool slept)
    {
        if (version == 0 || Interlocked.CompareExchange(ref _waiting, 0, version) != version)
        {
            return;
        }

        _result = slept;
        // The continuation runs on the thread pool, never on the scheduler's thread or the stopping one.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute() => _core.SetResult(_result);

    bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
