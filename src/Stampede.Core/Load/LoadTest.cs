using System.Runtime.CompilerServices;
using Stampede.Analysis;
using Stampede.Cluster;
using Stampede.Experiments;
using Stampede.Http;
using Stampede.Metrics;
using Stampede.Monitoring;
using Stampede.Monitoring.Target;

namespace Stampede.Load;

/// <summary>
/// One load test: in the closed model it spawns virtual users toward the target of its shape and runs
/// their tasks; in the open model (a rate) it starts iterations at scheduled arrivals on a pool of users.
/// Either way it measures every request. Create it, subscribe to <see cref="SnapshotTaken"/> for live numbers,
/// and await <see cref="RunAsync"/>.
/// </summary>
public sealed partial class LoadTest : IDisposable
{
    private static readonly TimeSpan PumpPeriod = TimeSpan.FromMilliseconds(50);

    private readonly LoadTestOptions _options;
    private readonly IReadOnlyList<UserClassInfo> _classes;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _hasAbortThresholds;
    private volatile StatsSnapshot? _latest;
    private volatile IReadOnlyList<ThresholdResult>? _abortedBy;
    private int _users;
    private double _controlledSeconds = -1;
    private volatile bool _stopsRequested;
    private volatile StrongBox<LoadTarget>? _usersOverride;
    private IRateExperiment? _experiment;
    private volatile ArrivalPool? _pool;

    /// <summary>Prepares a run; throws <see cref="ArgumentException"/> for invalid options and <see cref="ScenarioException"/> for unusable user classes.</summary>
    /// <param name="options">The run's settings; validated here.</param>
    /// <param name="userTypes">The user classes (subclasses of <see cref="User"/>).</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> unless a test fakes it.</param>
    public LoadTest(LoadTestOptions options, IEnumerable<Type> userTypes, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(userTypes);
        options.Validate();

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _hasAbortThresholds = options.Thresholds.Any(t => t.Abort);

        Type[] types = [.. userTypes.Distinct()];
        if (types.Length == 0)
        {
            throw new ScenarioException("No user classes were given: pass at least one class derived from User or HttpUser.");
        }

        var classes = new List<UserClassInfo>();
        foreach (Type type in types)
        {
            UserClassInfo? info = UserClassInfo.Create(type, options.Tags, options.ExcludeTags);
            if (info is not null)
            {
                classes.Add(info);
            }
        }

        if (classes.Count == 0)
        {
            throw new ScenarioException(
                $"No task is left to run after tag filtering (--tags {string.Join(',', options.Tags)} --exclude-tags {string.Join(',', options.ExcludeTags)}): check the tag names.");
        }

        if (classes.All(c => c.Weight == 0 && c.FixedCount == 0))
        {
            throw new ScenarioException("Every user class has weight 0 and no fixed count: give at least one class a weight above 0 or a fixed count.");
        }

        foreach (UserClassInfo c in classes.Where(c => c.TalksToHost))
        {
            if (options.Host is null && c.Create().Host is null)
            {
                throw new ScenarioException($"{c.Name} needs a host and none was given: pass --host http://127.0.0.1:8080 (or STAMPEDE_HOST), or override Host in {c.Name}.");
            }
        }

        _classes = classes;
    }

    /// <summary>Raised once a second with fresh statistics, on the metrics thread; keep handlers short.</summary>
    public event Action<StatsSnapshot>? SnapshotTaken;

    /// <summary>The seed of the run in progress (the given one, or the one drawn when none was), from <see cref="RunAsync"/> on; <see langword="null"/> before.</summary>
    public int? Seed { get; private set; }

    /// <summary>Raised when the generator warns about itself (CPU above the threshold).</summary>
    public event Action<GeneratorWarning>? GeneratorWarningRaised;

    /// <summary>Raised when a target source warns (a failed scrape, a malformed exposition, a counter reset), on the source's task.</summary>
    public event Action<TargetWarning>? TargetWarningRaised;

    /// <summary>The latest statistics, or <see langword="null"/> before the first second.</summary>
    public StatsSnapshot? Latest => _latest;

    /// <summary>
    /// The run's elapsed seconds as of the control loop's last pass (spawns and stops applied), or −1 before the first:
    /// a test that moved a fake clock waits for this instead of sleeping before it asserts that nothing changed.
    /// </summary>
    internal double ControlledSeconds => Volatile.Read(ref _controlledSeconds);

    /// <summary>Whether every closed-model user has been asked to stop, its stop timeout armed: a test's signal instead of a sleep.</summary>
    internal bool StopsRequested => _stopsRequested;

    /// <summary>Users running now.</summary>
    public int Users => Volatile.Read(ref _users);

    /// <summary>The user classes as they will run.</summary>
    public IReadOnlyList<UserClassSummary> UserClasses => [.. _classes.Select(c => new UserClassSummary(
        c.Name, c.Weight, c.FixedCount, [.. c.Tasks.Select(t => new TaskSummary(t.Name, t.Weight, t.Tags))]))];

    /// <summary>Asks the run to stop: users stop as at the end of the run time, and outputs are complete.</summary>
    public void Stop() => _stop.Cancel();

    /// <summary>
    /// Closed model: changes the run's target to <paramref name="users"/> users, reached at <paramref name="spawnRate"/>
    /// users/s, from the next whole second of the run on (the live dashboard's "change users"). The target then
    /// replaces the shape's (or <see cref="LoadTestOptions.Users"/>) until the run ends; the run time still applies.
    /// </summary>
    /// <param name="users">Target users, 0 or more.</param>
    /// <param name="spawnRate">Users started or stopped per second on the way, above 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative user count or a spawn rate that is not above 0.</exception>
    /// <exception cref="InvalidOperationException">The run uses the open model (a rate), which has no user target.</exception>
    public void SetUsers(int users, double spawnRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(users);
        if (!(spawnRate > 0) || double.IsInfinity(spawnRate))
        {
            throw new ArgumentOutOfRangeException(nameof(spawnRate), spawnRate, "The spawn rate must be above 0 users/s.");
        }

        if (_options.IsOpenModel)
        {
            throw new InvalidOperationException("This run uses the open model (a rate of arrivals): it has no user count to change.");
        }

        if (_options.Fleet is { } fleet)
        {
            fleet.SetUsers(users, spawnRate);
            return;
        }

        _usersOverride = new StrongBox<LoadTarget>(new LoadTarget(users, spawnRate));
    }

    /// <summary>Runs the test until its run time, its shape, <see cref="Stop"/> or <paramref name="cancellationToken"/> ends it.</summary>
    /// <returns>The final statistics; cancellation ends the run early but still returns them.</returns>
    public async Task<RunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        CancellationToken stopToken = linked.Token;
        int seed = _options.Seed ?? Random.Shared.Next();
        Seed = seed;
        if (_options.Fleet is { } fleet)
        {
            return await RunFleetAsync(fleet, seed, cancellationToken, stopToken).ConfigureAwait(false);
        }

        AgentHooks? agent = _options.Agent;

        var recorder = new MetricsRecorder();
        using SocketsHttpHandler? shared = _options.ShareConnections
            ? HttpSession.CreateHandler(new RunSettings(_options.Host, _options.HttpVersion, _options.RequestTimeout, null) { Insecure = _options.Insecure }, useCookies: false)
            : null;
        var settings = new RunSettings(_options.Host, _options.HttpVersion, _options.RequestTimeout, shared) { SourceAddresses = _options.SourceAddresses, Insecure = _options.Insecure, MaxBodyBytes = _options.MaxBodyBytes };

        EnsureThreadPoolHeadroom();
        if (_classes.Any(c => c.TalksToHost))
        {
            await HttpWarmup.RunOnceAsync(settings, stopToken).ConfigureAwait(false);
        }

        // Open model: the pre-allocated users start before the clock does, so their start-up costs no schedule time.
        ArrivalPool? pool = null;
        if (_options.IsOpenModel)
        {
            pool = new ArrivalPool(_options, _time, _classes, recorder, settings, seed, agent?.Partition);
            _pool = pool;
            try
            {
                await pool.PreallocateAsync(_options.EffectivePreAllocatedUsers, stopToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped while starting: the run ends at once, with whatever was recorded.
            }

            pool.PrepareDispatcher();
        }

        // The first histograms of a process load and compile HdrHistogram (about 10 ms): before the clock, not after it.
        MetricsAggregator.Prepare();

        // The monitor reads the process's CPU from here on: the warm-up and the users' start-up are not the run's.
        var monitor = new GeneratorMonitor(_options.CpuWarningThresholdPercent);
        monitor.WarningRaised += w => GeneratorWarningRaised?.Invoke(w);
        await using TargetMonitor? target = TargetMonitor.Create(_options, _time);
        if (target is not null)
        {
            target.WarningRaised += w => TargetWarningRaised?.Invoke(w);
        }

        _experiment = _options.FindCapacity is { } find ? new CapacitySearch(find, _options.Thresholds)
            : _options.Stress is { } stress ? new StressTest(stress)
            : null;
        long start;
        if (agent is null)
        {
            start = _time.GetTimestamp();
        }
        else
        {
            try
            {
                // The coordinator's start, on this clock: every agent's users begin together.
                start = await agent.WaitForStartAsync(stopToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                start = _time.GetTimestamp();
            }
        }

        target?.Start(start);
        var aggregator = new MetricsAggregator(recorder, monitor, _time, start)
        {
            Arrivals = pool?.Counters,
            Goodput = _options.Goodput,
            HistorySecondsInMemory = (int)Math.Min(int.MaxValue, Math.Ceiling(_options.HistoryInMemory.TotalSeconds)),
            ExportsIntervals = agent is not null,
        };
        using var pumpStop = new CancellationTokenSource();
        Task pump = PumpAsync(aggregator, monitor, target, pool, null, start, pumpStop.Token);

        StopReason reason;
        if (pool is not null)
        {
            reason = await pool.DispatchAsync(aggregator, start, stopToken).ConfigureAwait(false);
            await pool.StopAllAsync(StopTimeout).ConfigureAwait(false);
        }
        else
        {
            using var crowd = new Crowd(_time, _classes, recorder, settings, seed, agent?.Partition);
            reason = await ControlAsync(crowd, aggregator, start, stopToken).ConfigureAwait(false);
            Task stopping = crowd.StopAllAsync(StopTimeout);
            _stopsRequested = true;
            await stopping.ConfigureAwait(false);
        }

        long end = _time.GetTimestamp();
        IReadOnlyList<ThresholdResult>? abortedBy = _abortedBy;
        reason = Explained(reason, abortedBy, cancellationToken);

        if (pool is not null && reason is StopReason.RunTimeElapsed or StopReason.ShapeFinished)
        {
            // The schedule's window is the run: the time users take to stop is not part of it.
            end = Math.Min(end, start + (long)Math.Round(pool.End * _time.TimestampFrequency));
        }

        await pumpStop.CancelAsync().ConfigureAwait(false);
        await pump.ConfigureAwait(false);
        if (target is not null)
        {
            await target.StopAsync().ConfigureAwait(false);
        }

        Volatile.Write(ref _users, 0);
        aggregator.Users = 0;
        // The last sample before the last seconds close, so that they are judged with it (as in the pump); it closes the
        // run's last second, partial or not.
        monitor.Sample(_time.GetElapsedTime(start, end), (end - start + _time.TimestampFrequency - 1) / _time.TimestampFrequency);
        aggregator.Complete(end);
        StatsSnapshot final = aggregator.Snapshot(end, includeHistograms: true) with
        {
            Target = target?.Current ?? TargetSnapshot.Empty,
            Experiment = _experiment?.Progress(_time.GetElapsedTime(start, end).TotalSeconds),
            Warnings = _runWarnings,
        };
        _latest = final;
        agent?.Report(new AgentSecond(aggregator.TakeExport(), final, final.Arrivals, Final: true, reason));
        return Result(final, reason, abortedBy, seed);
    }

    /// <summary>
    /// Why a run stopped from inside ended: an <c>abort</c> threshold, an experiment that has its answer, an unreachable
    /// target; a stop from outside (<paramref name="cancellationToken"/>) stays <see cref="StopReason.Interrupted"/>.
    /// </summary>
    private StopReason Explained(StopReason reason, IReadOnlyList<ThresholdResult>? abortedBy, CancellationToken cancellationToken) =>
        reason != StopReason.Interrupted || cancellationToken.IsCancellationRequested ? WithUnreachable(reason, cancellationToken)
        : abortedBy is not null ? StopReason.ThresholdAborted
        : _experiment is { Finished: true } ? StopReason.ExperimentFinished
        : WithUnreachable(reason, cancellationToken);

    /// <summary>The run's result from its final statistics: the analyses, the verdict and the thresholds.</summary>
    private RunResult Result(StatsSnapshot final, StopReason reason, IReadOnlyList<ThresholdResult>? abortedBy, int seed)
    {
        return new RunResult
        {
            Bottleneck = BottleneckAnalyzer.Analyze(final, _options),
            Autoscaling = _options.Autoscaling is null ? null : AutoscalingAnalyzer.Analyze(final, _options),
            ColdStart = ColdStartAnalyzer.Analyze(final, _options),
            Drift = DriftAnalyzer.Analyze(final, _options, _options.Warmup > TimeSpan.Zero ? _options.Warmup : null),
            Capacity = _experiment is CapacitySearch search ? search.Result(search.FirstFailingStep is { } fail ? BottleneckAnalyzer.LimitAt(final.Target, (int)fail.JudgedFromSecond, (int)fail.EndSecond) : null) : null,
            BreakingPoint = (_experiment as StressTest)?.Result(),
            Stats = final,
            StopReason = reason,
            Seed = seed,
            EndedAt = final.Timestamp,
            UserClasses = UserClasses,
            Validity = Judged(RunValidity.Judge(final, _options.MinDuration, _options.Strict), reason, final),
            Thresholds = ThresholdEvaluator.Evaluate(_options.Thresholds, final),
            AbortedBy = reason == StopReason.ThresholdAborted ? abortedBy! : [],
        };
    }

    /// <summary>Releases the stop signal.</summary>
    public void Dispose() => _stop.Dispose();

    /// <summary>
    /// Raises the thread pool's minimum to four threads per core (at least 16). With the default (one per
    /// core) a few threads busy compiling code on first use, or user code that blocks, starve the scheduler
    /// and the users' continuations: the pool then adds a thread only every half second, and every
    /// timestamp taken meanwhile is late. Threads above the minimum are created on demand only.
    /// </summary>
    private static void EnsureThreadPoolHeadroom()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        int wanted = Math.Max(16, Environment.ProcessorCount * 4);
        if (workers < wanted || io < wanted)
        {
            ThreadPool.SetMinThreads(Math.Max(workers, wanted), Math.Max(io, wanted));
        }
    }

    private async Task<StopReason> ControlAsync(Crowd crowd, MetricsAggregator aggregator, long start, CancellationToken stopToken)
    {
        LoadShape shape = _options.Shape ?? LoadShapes.Constant(_options.Users, _options.SpawnRate);
        double runTime = _options.RunTime?.TotalSeconds ?? double.PositiveInfinity;
        var ramp = new UserRamp();
        var target = new LoadTarget(0, 1);
        double nextTick = 0;
        int maxUsers = crowd.Mix.FixedTotal > 0 && !_classes.Any(c => c.FixedCount == 0 && c.Weight > 0) ? crowd.Mix.FixedTotal : int.MaxValue;

        // An agent runs its share of the whole run's targets; a shape sees the run's users as this agent's times the agents.
        LoadPartition? partition = _options.Agent?.Partition;

        while (true)
        {
            double elapsed = _time.GetElapsedTime(start).TotalSeconds;
            if (stopToken.IsCancellationRequested)
            {
                return StopReason.Interrupted;
            }

            if (elapsed >= runTime)
            {
                return StopReason.RunTimeElapsed;
            }

            if (elapsed >= nextTick)
            {
                LoadTarget? next;
                try
                {
                    next = _usersOverride?.Value ?? shape.Tick(new LoadShapeContext(TimeSpan.FromSeconds(elapsed), crowd.Running * (partition?.Count ?? 1)));
                }
#pragma warning disable CA1031 // A shape that throws ends the run like a finished shape; the error is reported, the results kept.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    crowd.Recorder.RecordUserError($"{shape.GetType().Name}.Tick", ex);
                    return StopReason.ShapeFinished;
                }

                if (next is not { } t)
                {
                    return StopReason.ShapeFinished;
                }

                if (t.Users < 0 || !(t.SpawnRate > 0) || double.IsInfinity(t.SpawnRate))
                {
                    crowd.Recorder.RecordUserError(
                        $"{shape.GetType().Name}.Tick",
                        new ScenarioException($"The shape returned {t.Users} users at {t.SpawnRate} users/s: users must be 0 or more and the spawn rate above 0."));
                    return StopReason.ShapeFinished;
                }

                target = t with { Users = Math.Min(t.Users, maxUsers) };
                if (partition is not null)
                {
                    target = new LoadTarget(partition.Share(target.Users), target.SpawnRate / partition.Count);
                }

                nextTick = Math.Floor(elapsed) + 1;
            }

            int delta = ramp.Step(elapsed, target);
            for (; delta > 0; delta--)
            {
                crowd.Spawn();
            }

            for (; delta < 0; delta++)
            {
                crowd.StopNewest(_options.StopTimeout);
            }

            int running = crowd.Running;
            Volatile.Write(ref _users, running);
            aggregator.Users = running;
            Volatile.Write(ref _controlledSeconds, elapsed);
            if (running == 0 && crowd.Spawned > 0 && ramp.Users == target.Users && target.Users > 0 && crowd.AllSelfStopped)
            {
                return StopReason.AllUsersStopped;
            }

            double wake = Math.Min(Math.Min(nextTick, ramp.NextChangeAt ?? double.PositiveInfinity), runTime);
            double wait = wake - _time.GetElapsedTime(start).TotalSeconds;
            if (wait > 0)
            {
                try
                {
                    // Whole ticks, rounded up and at least one: a wait of a fraction of a tick would be a zero delay that
                    // completes at once, and the loop would spin without the clock moving (for ever, on a fake clock).
                    var delay = TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(wait * TimeSpan.TicksPerSecond)));
                    await Task.Delay(delay, _time, stopToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return StopReason.Interrupted;
                }
            }
        }
    }


    /// <summary>Moves an experiment on: the next step's rate, or the end of the run once it has its answer.</summary>
    private void StepSearch(StatsSnapshot live, ArrivalPool? pool, IAgentFleet? fleet)
    {
        if (_experiment is null || (pool is null && fleet is null) || _experiment.Finished)
        {
            return;
        }

        if (_experiment.OnSecond(live, pool?.Counters.Busy ?? live.Arrivals?.BusyUsers ?? 0) is { } next)
        {
            pool?.SetRate(next.Rate, next.AtSecond);
            if (fleet is not null)
            {
                _fleetSchedule?.SetRate(next.Rate, next.AtSecond);
                fleet.SetRate(next.Rate, next.AtSecond);
            }
        }
        else if (_experiment.Finished)
        {
            _stop.Cancel();
        }
    }

    /// <summary>Stops the run when an <c>abort</c> threshold fails on <paramref name="live"/> (k6's abortOnFail).</summary>
    private void CheckAborts(StatsSnapshot live)
    {
        if (_abortedBy is not null || !_hasAbortThresholds)
        {
            return;
        }

        IReadOnlyList<ThresholdResult> failed = ThresholdEvaluator.FindAborts(_options.Thresholds, live);
        if (failed.Count > 0)
        {
            _abortedBy = failed;
            _stop.Cancel();
        }
    }

    private async Task PumpAsync(MetricsAggregator aggregator, IGeneratorWatch monitor, TargetMonitor? target, ArrivalPool? pool, IAgentFleet? fleet, long start, CancellationToken cancellationToken)
    {
        AgentHooks? agent = _options.Agent;
        long frequency = _time.TimestampFrequency;
        long nextSecond = start + frequency;
        using var timer = new PeriodicTimer(PumpPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (fleet is not null)
                {
                    fleet.Drain(aggregator);
                    aggregator.Users = fleet.Users;
                    Volatile.Write(ref _users, fleet.Users);
                }

                aggregator.Drain();
                long now = _time.GetTimestamp();
                if (now < nextSecond)
                {
                    continue;
                }

                aggregator.SampleAndCloseIntervals(now);
                StatsSnapshot snapshot = aggregator.Snapshot(now);
                if (target is not null)
                {
                    snapshot = snapshot with { Target = target.Current };
                }

                if (fleet is not null)
                {
                    snapshot = WithFleet(snapshot, fleet, aggregator);
                }

                CheckAborts(snapshot);
                StepSearch(snapshot, pool, fleet);
                if (_experiment is not null)
                {
                    // After the step decision: the views show the step just decided, not the one just judged.
                    snapshot = snapshot with { Experiment = _experiment.Progress(snapshot.Elapsed.TotalSeconds) };
                }

                snapshot = WatchEarly(snapshot, aggregator);
                _latest = snapshot;
                agent?.Report(new AgentSecond(aggregator.TakeExport(), snapshot, snapshot.Arrivals, Final: false));
                try
                {
                    SnapshotTaken?.Invoke(snapshot);
                }
#pragma warning disable CA1031 // A failing subscriber (a console view) must not stop measuring; its error is reported with the user errors.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    aggregator.RecordSubscriberError(ex);
                }

                nextSecond += frequency;
                if (nextSecond <= now)
                {
                    nextSecond = now + frequency;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }
}
