using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Stampede.Metrics;

namespace Stampede.Load;

/// <summary>
/// The open-model executor: starts one iteration (one task) at each arrival of the schedule, on a free
/// user of the arrival's class, whether or not earlier iterations have finished. Users come from a pool
/// (k6's pre-allocated and maximum VUs); an arrival that finds no free user and a full pool waits in the
/// backlog if one is allowed, otherwise it is dropped and counted.
/// </summary>
/// <remarks>
/// The schedule gives absolute intended starts; the dispatcher sleeps until the next one and hands out
/// every arrival already due, so a late wake-up never shifts later arrivals. Each iteration's first
/// request is measured from its intended start.
/// </remarks>
internal sealed class ArrivalPool
{
    private readonly LoadTestOptions _options;
    private readonly MetricsRecorder _recorder;
    private readonly RunSettings _settings;
    private readonly int _seed;
    private readonly TimeProvider _time;
    private readonly Lane[] _lanes;
    private readonly long[] _cumulativeWeights;
    private readonly Random _pick;
    private readonly ArrivalSchedule _schedule;
    private readonly List<UserSlot> _slots = [];
    private readonly LoadPartition? _partition;
    private int _maxUsers;
    private long _arrivals;
    private readonly int _backlogLimit;
    private readonly double _runTime;
    private readonly TaskCompletionSource<DispatchStart> _go = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<StopReason> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _dispatcher;
    private int _departed;
    private int _slotCount;

    /// <param name="options">The run's options.</param>
    /// <param name="time">The run's clock.</param>
    /// <param name="userClasses">The user classes that run.</param>
    /// <param name="recorder">Where the users record.</param>
    /// <param name="settings">The users' HTTP settings.</param>
    /// <param name="seed">The run's seed: the schedule, the class picks and (with each user's global index) the users' choices.</param>
    /// <param name="partition">An agent's share of a distributed run: it draws the whole schedule and starts only its arrivals.</param>
    public ArrivalPool(LoadTestOptions options, TimeProvider time, IReadOnlyList<UserClassInfo> userClasses, MetricsRecorder recorder, RunSettings settings, int seed, LoadPartition? partition = null)
    {
        _partition = partition;
        _options = options;
        _recorder = recorder;
        _settings = settings;
        _seed = seed;
        _time = time;

        // An arrival picks a class by class weight (fixed counts act as weights when no class has one).
        UserClassInfo[] classes = [.. userClasses.Where(c => c.Weight > 0)];
        if (classes.Length == 0)
        {
            classes = [.. userClasses.Where(c => c.FixedCount > 0)];
        }

        _lanes = [.. classes.Select(c => new Lane(c))];
        _cumulativeWeights = new long[classes.Length];
        long sum = 0;
        for (int i = 0; i < classes.Length; i++)
        {
            sum += classes[i].Weight > 0 ? classes[i].Weight : classes[i].FixedCount;
            _cumulativeWeights[i] = sum;
        }

        _pick = new Random(DerivedSeed(seed, 1));
        _schedule = new ArrivalSchedule(options.FindCapacity?.StartRate ?? options.Stress?.StartRate ?? options.Rate, options.RateStages, options.Arrivals, options.Burstiness, new Random(DerivedSeed(seed, 2)));
        _maxUsers = ShareOf(options.EffectiveMaxUsers);
        _backlogLimit = options.MaxBacklog;
        _runTime = Math.Min(options.RunTime?.TotalSeconds ?? double.PositiveInfinity, _schedule.End);
        double fraction = partition?.Fraction ?? 1;
        Counters = new ArrivalCounters(t => _schedule.ExpectedCount(0, Math.Min(t, _runTime)) * fraction, t => _schedule.RateAt(t) * fraction, _maxUsers);
    }

    public ArrivalCounters Counters { get; }

    /// <summary>Changes the steady rate from <paramref name="atSeconds"/> of the run on (an experiment's next step).</summary>
    public void SetRate(double rate, double atSeconds) => _schedule.SetRate(rate, atSeconds);

    /// <summary>When the schedule's window ends (the run time or the last stage), seconds; infinity when neither is set.</summary>
    public double End => _runTime;

    /// <summary>An agent's part of a pool size of the whole run (its maximum, its pre-allocated users): rounded up.</summary>
    public int ShareOf(int users) => _partition is null ? users : (int)Math.Ceiling(users / (double)_partition.Count);

    /// <summary>A re-plan of a distributed run: this agent's maximum pool follows its new share.</summary>
    public void Replanned() => Volatile.Write(ref _maxUsers, ShareOf(_options.EffectiveMaxUsers));

    /// <summary>Creates the pre-allocated users, spread over the classes by weight, and waits for their <c>OnStartAsync</c>.</summary>
    public async Task PreallocateAsync(int users, CancellationToken cancellationToken)
    {
        users = ShareOf(users);
        var mix = new UserMix([.. _lanes.Select(l => l.Class)]);
        var started = new List<Task>(users);
        for (int i = 0; i < users; i++)
        {
            UserClassInfo? userClass = mix.ClassAt(i) ?? _lanes[i % _lanes.Length].Class;
            Lane lane = Array.Find(_lanes, l => l.Class == userClass)!;
            started.Add(Spawn(lane));
        }

        await Task.WhenAll(started).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// On the system clock, before the run's clock starts: compiles the dispatcher's hot path and starts its
    /// thread, parked until <see cref="DispatchAsync"/>, so that the first arrivals wait for neither (on a
    /// 2-core machine the two together made the first arrival about 12 ms late).
    /// </summary>
    public void PrepareDispatcher()
    {
        if (_time != TimeProvider.System || _dispatcher is not null)
        {
            return;
        }

        PrepareHotPath(_lanes.SelectMany(l => l.Class.Tasks).Select(t => t.Method));
        _dispatcher = new Thread(() =>
        {
            try
            {
                // Parked until the clock starts; then every wait completes synchronously on this thread,
                // so the loop never leaves it.
                DispatchStart go = _go.Task.GetAwaiter().GetResult();
                _done.TrySetResult(DispatchCoreAsync(go.Aggregator, go.Start, go.StopToken).GetAwaiter().GetResult());
            }
#pragma warning disable CA1031 // Whatever ends the dispatcher is handed to the awaiting run.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _done.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "Stampede arrivals",
            Priority = ThreadPriority.AboveNormal,
        };
        _dispatcher.Start();
    }

    /// <summary>Runs the schedule from <paramref name="start"/> until it ends, the run time elapses or the run is stopped.</summary>
    /// <remarks>
    /// On the system clock the dispatcher runs on a thread of its own (see <see cref="PrepareDispatcher"/>) and
    /// sleeps in the kernel until the next arrival (a timer callback would add the timer queue's millisecond
    /// tick and a thread-pool hop, about 2 ms, to every arrival); on any other clock (a test's fake one) it
    /// awaits the clock's timers.
    /// </remarks>
    public Task<StopReason> DispatchAsync(MetricsAggregator aggregator, long start, CancellationToken stopToken)
    {
        if (_time != TimeProvider.System)
        {
            return DispatchCoreAsync(aggregator, start, stopToken);
        }

        PrepareDispatcher();
        _go.TrySetResult(new DispatchStart(aggregator, start, stopToken));
        return _done.Task;
    }

    /// <summary>
    /// Compiles the methods an arrival runs through (the pool's own, and the scenario's task methods, which are
    /// compiled, not run), which would otherwise be compiled at the first arrivals.
    /// </summary>
    private static void PrepareHotPath(IEnumerable<MethodInfo> taskMethods)
    {
        const BindingFlags Declared = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        IEnumerable<MethodInfo> own = new[] { typeof(ArrivalPool), typeof(ArrivalSchedule), typeof(ArrivalCounters) }.SelectMany(t => t.GetMethods(Declared));
        foreach (MethodInfo method in own.Concat(taskMethods))
        {
            if (method.IsAbstract || method.ContainsGenericParameters)
            {
                continue;
            }

            RuntimeHelpers.PrepareMethod(method.MethodHandle);
            if (method.GetCustomAttribute<AsyncStateMachineAttribute>()?.StateMachineType.GetMethod("MoveNext", Declared) is { } moveNext
                && !moveNext.ContainsGenericParameters)
            {
                RuntimeHelpers.PrepareMethod(moveNext.MethodHandle);
            }
        }
    }

    private async Task<StopReason> DispatchCoreAsync(MetricsAggregator aggregator, long start, CancellationToken stopToken)
    {
        long frequency = _time.TimestampFrequency;
        while (true)
        {
            if (stopToken.IsCancellationRequested)
            {
                return StopReason.Interrupted;
            }

            bool more = _schedule.TryNext(out double due);
            double until = more ? due : _runTime;
            if (until >= _runTime)
            {
                // Nothing more is due before the end: wait for the end itself.
                if (double.IsInfinity(_runTime))
                {
                    // A rate of 0 with no end runs until stopped.
                    await WaitUntilAsync(start, double.MaxValue, stopToken).ConfigureAwait(false);
                    return StopReason.Interrupted;
                }

                if (!await WaitUntilAsync(start, _runTime, stopToken).ConfigureAwait(false))
                {
                    return StopReason.Interrupted;
                }

                return _options.RunTime is { } limit && limit.TotalSeconds <= _schedule.End
                    ? StopReason.RunTimeElapsed
                    : StopReason.ShapeFinished;
            }

            if (!await WaitUntilAsync(start, due, stopToken).ConfigureAwait(false))
            {
                return StopReason.Interrupted;
            }

            // Every agent draws every arrival and its class (one seed, one schedule) and starts only its own.
            Lane lane = PickLane();
            if (_partition is not null && !_partition.Owns(_arrivals++, due))
            {
                continue;
            }

            long intended = start + (long)Math.Round(due * frequency);
            Dispatch(lane, intended, (long)due);
            aggregator.Users = Counters.Busy;
        }
    }

    /// <summary>Stops every user: waits end now, running iterations may finish within <paramref name="stopTimeout"/>.</summary>
    public async Task StopAllAsync(TimeSpan stopTimeout)
    {
        foreach (Lane lane in _lanes)
        {
            lane.Work.Writer.TryComplete();
        }

        foreach (UserSlot slot in _slots)
        {
            slot.RequestStop(stopTimeout, _time);
        }

        Task all = Task.WhenAll(_slots.Select(s => s.Running!));
        Task limit = Task.Delay(stopTimeout + TimeSpan.FromSeconds(5), _time);
        await Task.WhenAny(all, limit).ConfigureAwait(false);
        Counters.Users = 0;
    }

    /// <summary>Waits longer than this (ms) sleep on the stop token; shorter ones on a precise timer.</summary>
    private const double LongWaitMs = 20;

    /// <summary>How early (ms) a precise sleep aims, for the timer's slack; the rest is yielded away.</summary>
    private const double SleepEarlyMs = 0.06;

    private ValueTask<bool> WaitUntilAsync(long start, double seconds, CancellationToken stopToken) =>
        _time == TimeProvider.System ? ValueTask.FromResult(WaitUntil(start, seconds, stopToken)) : WaitOnClockAsync(start, seconds, stopToken);

    /// <summary>Blocks this (dedicated) thread until <paramref name="seconds"/> after the start; <see langword="false"/> when stopped first.</summary>
    private bool WaitUntil(long start, double seconds, CancellationToken stopToken)
    {
        while (true)
        {
            double waitMs = (seconds - _time.GetElapsedTime(start).TotalSeconds) * 1000;
            if (waitMs <= 0)
            {
                return !stopToken.IsCancellationRequested;
            }

            if (stopToken.IsCancellationRequested)
            {
                return false;
            }

            if (waitMs > LongWaitMs)
            {
                // A long wait: on the stop token, so that a stop ends it, waking a little early.
                if (stopToken.WaitHandle.WaitOne((int)Math.Min(waitMs - SleepEarlyMs - 1, int.MaxValue / 2)))
                {
                    return false;
                }
            }
            else if (PreciseSleep.IsSupported && waitMs > SleepEarlyMs)
            {
                // A short one: the kernel's high-resolution timer, which wakes within about 0.05 ms.
                PreciseSleep.Sleep(waitMs - SleepEarlyMs);
            }
            else if (!PreciseSleep.IsSupported && waitMs >= 1.5)
            {
                // Without it, whole milliseconds only, and the kernel may add about 0.1 ms to them.
                if (stopToken.WaitHandle.WaitOne((int)(waitMs - 0.5)))
                {
                    return false;
                }
            }
            else
            {
                // The last moment (under 0.06 ms; under 1.5 ms without a precise sleep): yield rather than oversleep.
                Thread.Yield();
            }
        }
    }

    private async ValueTask<bool> WaitOnClockAsync(long start, double seconds, CancellationToken stopToken)
    {
        while (true)
        {
            double wait = seconds - _time.GetElapsedTime(start).TotalSeconds;
            if (wait <= 0)
            {
                return true;
            }

            // Timers tick in whole milliseconds: round up so a sub-millisecond wait still sleeps
            // (a zero delay would spin) and the arrival is never sent early.
            TimeSpan delay = TimeSpan.FromMilliseconds(Math.Ceiling(Math.Min(wait, 3600) * 1000));
            try
            {
                await Task.Delay(delay, _time, stopToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    private Lane PickLane()
    {
        if (_lanes.Length == 1)
        {
            return _lanes[0];
        }

        long pick = _pick.NextInt64(_cumulativeWeights[^1]);
        int index = Array.BinarySearch(_cumulativeWeights, pick + 1);
        return _lanes[index >= 0 ? index : ~index];
    }

    private void Dispatch(Lane lane, long intended, long second)
    {
        // Credits = the lane's idle (or starting) users minus the arrivals queued for them. Only this
        // method takes credits, users give them back, so a positive read can be spent safely.
        int credits = Volatile.Read(ref lane.Credits);
        if (credits > 0)
        {
            Interlocked.Decrement(ref lane.Credits);
        }
        else if (_slots.Count - Volatile.Read(ref _departed) < Volatile.Read(ref _maxUsers))
        {
            _ = Spawn(lane); // brings its own credit, which this arrival takes
            Interlocked.Decrement(ref lane.Credits);
        }
        else if (-credits < _backlogLimit)
        {
            Interlocked.Decrement(ref lane.Credits);
        }
        else
        {
            Counters.Arrived(second, dropped: true);
            return;
        }

        Counters.Arrived(second, dropped: false);
        lane.Work.Writer.TryWrite(intended);
        Counters.Backlog = Math.Max(0, -Volatile.Read(ref lane.Credits));
    }

    private Task Spawn(Lane lane)
    {
        // An agent's users take global indices, so no two agents' users draw the same choices.
        int id = _partition?.GlobalIndex(_slots.Count) ?? _slots.Count;
        var slot = new UserSlot(lane.Class, lane.Class.Create());
        var context = new UserContext(id, new Random(VirtualUsers.UserSeed(_seed, id)), slot.Kill.Token, _recorder, _time, _settings);
        _slots.Add(slot);
        Volatile.Write(ref _slotCount, _slots.Count);
        Counters.Users = _slots.Count - Volatile.Read(ref _departed);
        Interlocked.Increment(ref lane.Credits);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        slot.Running = Task.Run(() => RunUserAsync(slot, context, lane, ready));
        return ready.Task;
    }

    private async Task RunUserAsync(UserSlot slot, UserContext context, Lane lane, TaskCompletionSource ready)
    {
        User user = slot.User;
        UserClassInfo userClass = slot.Class;
        CancellationToken stop = slot.Stop.Token;
        CancellationToken kill = slot.Kill.Token;
        ChannelReader<long> work = lane.Work.Reader;
        try
        {
            user.Attach(context);
            bool started = await VirtualUsers.GuardAsync(_recorder, user.StartAsync, $"{userClass.Name}.OnStartAsync", kill).ConfigureAwait(false);
            ready.TrySetResult();
            if (!started)
            {
                // It never serves: take back the credit it brought and free its place in the pool.
                Interlocked.Decrement(ref lane.Credits);
                Depart();
                return;
            }

            int sequence = 0;
            while (!stop.IsCancellationRequested)
            {
                long intended;
                try
                {
                    if (!work.TryRead(out intended))
                    {
                        if (!await work.WaitToReadAsync(stop).ConfigureAwait(false))
                        {
                            break;
                        }

                        continue;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                Counters.IterationStarted();
                context.SetIntendedStart(intended, scheduled: true);
                TaskInfo task = userClass.NextTask(user.Random, ref sequence);
                bool stopSelf = false;
                try
                {
                    await task.Invoke(user).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (kill.IsCancellationRequested)
                {
                    stopSelf = true;
                }
                catch (StopUserException)
                {
                    stopSelf = true;
                }
#pragma warning disable CA1031 // A task's exception is recorded as an error of that task and the user carries on.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _recorder.RecordUserError(task.Name, ex);
                }
                finally
                {
                    Counters.IterationEnded();
                }

                if (stopSelf)
                {
                    // This user leaves the pool for good: it gives back no credit, so the
                    // dispatcher spawns a replacement while the pool is below its maximum.
                    Depart();
                    break;
                }

                Interlocked.Increment(ref lane.Credits);
            }

            await VirtualUsers.GuardAsync(_recorder, user.OnStopAsync, $"{userClass.Name}.OnStopAsync", CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            ready.TrySetResult();
            user.Detach();
            slot.End(selfStopped: false);
        }
    }

    private void Depart()
    {
        int departed = Interlocked.Increment(ref _departed);
        Counters.Users = Math.Max(0, Volatile.Read(ref _slotCount) - departed);
    }

    private static int DerivedSeed(int seed, int stream) => VirtualUsers.UserSeed(seed, -stream);

    /// <summary>The users of one class: their work queue and credit count.</summary>
    /// <summary>What the parked dispatcher thread needs once the clock starts.</summary>
    private sealed record DispatchStart(MetricsAggregator Aggregator, long Start, CancellationToken StopToken);

    private sealed class Lane(UserClassInfo userClass)
    {
#pragma warning disable SA1401, CA1051 // Interlocked needs a field.
        public int Credits;
#pragma warning restore SA1401, CA1051

        public UserClassInfo Class { get; } = userClass;

        public Channel<long> Work { get; } = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleWriter = true, AllowSynchronousContinuations = false });
    }
}
