using Stampede.Metrics;

namespace Stampede.Load;

/// <summary>The virtual users of one run: spawning, stopping (newest first) and each user's loop.</summary>
internal sealed class Crowd(TimeProvider time, IReadOnlyList<UserClassInfo> classes, MetricsRecorder recorder, RunSettings settings, int seed, LoadPartition? partition = null) : IDisposable
{
    private readonly List<UserSlot> _running = [];
    private readonly List<UserSlot> _stopping = [];
    private readonly TimeProvider _time = time;

    // Think time on the system clock: one thread for every user's waits (a fake clock keeps Task.Delay, which it drives).
    private readonly WakeScheduler? _wakes = time == TimeProvider.System ? new WakeScheduler() : null;

    public UserMix Mix { get; } = new(classes);

    public MetricsRecorder Recorder => recorder;

    /// <summary>Users spawned so far, including stopped ones.</summary>
    public int Spawned { get; private set; }

    /// <summary>Users whose loop is still running and that the ramp has not stopped.</summary>
    public int Running
    {
        get
        {
            int running = 0;
            foreach (UserSlot slot in _running)
            {
                if (!slot.Ended)
                {
                    running++;
                }
            }

            return running;
        }
    }

    /// <summary>Whether every slot the ramp holds ended because its user stopped itself.</summary>
    public bool AllSelfStopped => _running.Count > 0 && _running.TrueForAll(s => s.Ended);

    public void Spawn()
    {
        // An agent's n-th user is the whole run's user n·N + index: its class and seed are the ones it would have on one machine.
        int id = partition?.GlobalIndex(Spawned) ?? Spawned;
        UserClassInfo? userClass = Mix.ClassAt(id);
        if (userClass is null)
        {
            return;
        }

        Spawned++;
        var slot = new UserSlot(userClass, userClass.Create());
        var context = new UserContext(id, new Random(VirtualUsers.UserSeed(seed, id)), slot.Kill.Token, recorder, _time, settings);
        _running.Add(slot);
        slot.Running = RunUserAsync(slot, context);
    }

    /// <summary>Stops the newest user: its wait ends now, its current task may run for <paramref name="stopTimeout"/>.</summary>
    public void StopNewest(TimeSpan stopTimeout)
    {
        if (_running.Count == 0)
        {
            return;
        }

        UserSlot slot = _running[^1];
        _running.RemoveAt(_running.Count - 1);
        _stopping.RemoveAll(s => s.Ended);
        _stopping.Add(slot);
        slot.RequestStop(stopTimeout, _time);
    }

    /// <summary>Ends the think-time thread; a user still thinking (one that outlived its stop timeout) wakes stopped.</summary>
    public void Dispose() => _wakes?.Dispose();

    public async Task StopAllAsync(TimeSpan stopTimeout)
    {
        while (_running.Count > 0)
        {
            StopNewest(stopTimeout);
        }

        Task all = Task.WhenAll(_stopping.Select(s => s.Running!));

        // A task that ignores cancellation (a busy loop, a delay without the user's token) must not
        // hold the results hostage: after the stop timeout and a grace second the run ends without it.
        Task limit = Task.Delay(stopTimeout + TimeSpan.FromSeconds(5), _time);
        await Task.WhenAny(all, limit).ConfigureAwait(false);
    }

    private async Task RunUserAsync(UserSlot slot, UserContext context)
    {
        // On the thread pool from here, whatever context spawned it, as Task.Run would put it, without the closure,
        // delegate and two tasks Task.Run keeps for the life of each user (about 250 bytes).
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        User user = slot.User;
        UserClassInfo userClass = slot.Class;
        CancellationToken stop = slot.Stop.Token;
        CancellationToken kill = slot.Kill.Token;
        bool selfStopped = false;
        try
        {
            user.Attach(context);
            if (!await VirtualUsers.GuardAsync(recorder, user.StartAsync, $"{userClass.Name}.OnStartAsync", kill).ConfigureAwait(false))
            {
                return;
            }

            WaitTime wait = user.WaitTime;
            Sleeper? sleeper = _wakes is null ? null : new Sleeper(_wakes, stop);
            long pacing = wait.PacingInterval is { } interval ? (long)Math.Round(interval.TotalSeconds * _time.TimestampFrequency) : 0;
            long dueAt = 0;
            int sequence = 0;
            while (!stop.IsCancellationRequested)
            {
                TaskInfo task = userClass.NextTask(user.Random, ref sequence);
                long started = _time.GetTimestamp();
                if (pacing > 0)
                {
                    // Pacing keeps a grid of intended starts: a task that starts late because the one
                    // before overran is measured from its slot on the grid (corrected for coordinated
                    // omission), while the service time from the actual send is kept beside it.
                    dueAt = dueAt == 0 ? started : dueAt;
                    context.SetIntendedStart(dueAt, scheduled: false);
                }

                bool synchronous = false;
                try
                {
                    ValueTask pending = task.Invoke(user);
                    synchronous = pending.IsCompleted;
                    await pending.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (kill.IsCancellationRequested)
                {
                    break;
                }
                catch (StopUserException)
                {
                    selfStopped = true;
                    break;
                }
#pragma warning disable CA1031 // A task's exception is recorded as an error of that task and the user carries on, as in Locust.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    recorder.RecordUserError(task.Name, ex);
                }

                if (stop.IsCancellationRequested)
                {
                    break;
                }

                TimeSpan pause;
                if (pacing > 0)
                {
                    dueAt += pacing;
                    pause = _time.GetElapsedTime(_time.GetTimestamp(), dueAt);
                }
                else
                {
                    pause = wait.Next(user.Random, _time.GetElapsedTime(started));
                }

                if (pause > TimeSpan.Zero)
                {
                    if (sleeper is not null)
                    {
                        if (!await sleeper.SleepAsync(pause).ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    else
                    {
                        try
                        {
                            await Task.Delay(pause, _time, stop).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            break;
                        }
                    }
                }
                else if (synchronous)
                {
                    // A task that never awaits would otherwise hold this thread forever.
                    await Task.Yield();
                }
            }

            await VirtualUsers.GuardAsync(recorder, user.OnStopAsync, $"{userClass.Name}.OnStopAsync", CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            user.Detach();
            slot.End(selfStopped);
        }
    }
}

/// <summary>What the closed model's crowd and the open model's pool share: a user's hooks run guarded, and its seed.</summary>
internal static class VirtualUsers
{
    /// <summary>Runs a user's hook; an exception is recorded as a user error (and the user goes on), a stop or a kill ends it.</summary>
    /// <returns>Whether the user may go on.</returns>
    internal static async Task<bool> GuardAsync(MetricsRecorder recorder, Func<Task> hook, string source, CancellationToken kill)
    {
        try
        {
            await hook().ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (kill.IsCancellationRequested)
        {
            return false;
        }
        catch (StopUserException)
        {
            return false;
        }
    #pragma warning disable CA1031 // A hook's exception is recorded; the user carries on.
        catch (Exception ex)
    #pragma warning restore CA1031
        {
            recorder.RecordUserError(source, ex);
            return true;
        }
    }

    /// <summary>The seed of user <paramref name="userId"/> of a run seeded <paramref name="runSeed"/>.</summary>
    internal static int UserSeed(int runSeed, int userId)
    {
        // SplitMix64 step: distinct, well-mixed seeds for neighbouring user ids, stable across processes.
        ulong z = unchecked(((ulong)(uint)runSeed << 32) + (ulong)userId + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return unchecked((int)(z ^ (z >> 31)));
    }
}

internal sealed class UserSlot(UserClassInfo userClass, User user)
{
    private ITimer? _killTimer;
    private volatile bool _ended;

    public UserClassInfo Class { get; } = userClass;

    public User User { get; } = user;

    public CancellationTokenSource Stop { get; } = new();

    public CancellationTokenSource Kill { get; } = new();

    public Task? Running { get; set; }

    public bool Ended => _ended;

    public bool SelfStopped { get; private set; }

    public void RequestStop(TimeSpan stopTimeout, TimeProvider time)
    {
        Stop.Cancel();
        if (stopTimeout <= TimeSpan.Zero)
        {
            Kill.Cancel();
        }
        else
        {
            _killTimer = time.CreateTimer(static state => ((CancellationTokenSource)state!).Cancel(), Kill, stopTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    public void End(bool selfStopped)
    {
        SelfStopped = selfStopped;
        _ended = true;
        _killTimer?.Dispose();
    }
}
