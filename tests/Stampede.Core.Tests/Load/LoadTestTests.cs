using Microsoft.Extensions.Time.Testing;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Load;

public sealed class LoadTestTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task RunAsync_SpawnRateTwo_AddsOneUserEveryHalfSecondOfFakeTime()
    {
        Probe probe = Probe.Start();
        using var test = new LoadTest(new LoadTestOptions { Users = 4, SpawnRate = 2 }, [typeof(TickUser)], _time);

        Task<RunResult> run = test.RunAsync();
        await Eventually.TrueAsync(() => probe["start"] == 1, "the first user starts at once");
        Advance(0.5);
        await Eventually.TrueAsync(() => probe["start"] == 2, "a second user starts after 0.5 s");
        test.Users.ShouldBe(2);
        Advance(1.0);
        await Eventually.TrueAsync(() => probe["start"] == 4, "all four users run after 1.5 s");
        await AdvancedPastAsync(test, _time, 10);
        _advanced += 10;
        test.Users.ShouldBe(4, "the ramp ended at four users");
        probe["start"].ShouldBe(4);

        test.Stop();
        RunResult result = await run;

        result.StopReason.ShouldBe(StopReason.Interrupted);
        probe["stop"].ShouldBe(4);
    }

    [Fact]
    public async Task RunAsync_SpawnTimesBetweenClockTicks_WaitsForTheClockInsteadOfSpinning()
    {
        // Spawning 3 users/s puts ramp changes at 1/3 s, which no whole number of 100 ns ticks reaches: the control
        // loop wakes a fraction of a tick early, and a wait that rounds to zero ticks must not become a busy loop
        // (on a fake clock it never returns, as the clock only moves when the caller advances it).
        Probe probe = Probe.Start();
        using var test = new LoadTest(new LoadTestOptions { Users = 3, SpawnRate = 3 }, [typeof(TickUser)], _time);

        Task<RunResult> run = test.RunAsync();
        await Eventually.TrueAsync(() => probe["start"] == 1, "the first user starts at once");
        Task advance = Task.Run(() => Advance(0.5));
        (await Task.WhenAny(advance, Task.Delay(TimeSpan.FromSeconds(10)))).ShouldBe(advance, "advancing the clock past 1/3 s returns");
        await Eventually.TrueAsync(() => probe["start"] == 2, "the second user starts at 1/3 s");
        Advance(0.5);
        await Eventually.TrueAsync(() => probe["start"] == 3, "the third user starts at 2/3 s");

        test.Stop();
        (await run.WaitAsync(TimeSpan.FromSeconds(10))).StopReason.ShouldBe(StopReason.Interrupted);
    }

    [Fact]
    public async Task RunAsync_RunTimeElapses_StopsWithEveryIntervalClosed()
    {
        Probe.Start();
        using var test = new LoadTest(new LoadTestOptions { Users = 1, SpawnRate = 1, RunTime = TimeSpan.FromSeconds(3) }, [typeof(TickUser)], _time);

        Task<RunResult> run = test.RunAsync();
        for (int i = 0; i < 3 && !run.IsCompleted; i++)
        {
            await Task.Delay(20);
            Advance(1);
        }

        RunResult result = await run.WaitAsync(TimeSpan.FromSeconds(10));

        result.StopReason.ShouldBe(StopReason.RunTimeElapsed);
        result.Stats.History.Count.ShouldBe(3);
        result.Stats.Elapsed.ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task RunAsync_TaskThrows_RecordsTheErrorAndTheUserCarriesOn()
    {
        Probe probe = Probe.Start();
        using var test = new LoadTest(new LoadTestOptions { Users = 1, SpawnRate = 1 }, [typeof(ThrowingUser)], _time);

        Task<RunResult> run = test.RunAsync();
        await AdvanceUntilAsync(() => probe["task"] >= 5, "the user ran five tasks", step: 0.25, max: 30);

        test.Stop();
        RunResult result = await run;

        UserErrorStats error = result.Stats.Errors.Single();
        error.Source.ShouldBe("ThrowingUser.Fail");
        error.Type.ShouldBe(nameof(InvalidOperationException));
        error.Count.ShouldBe(probe["task"]);
        error.Count.ShouldBeGreaterThanOrEqualTo(5);
        result.HasErrors.ShouldBeTrue();
    }

    [Fact]
    public async Task RunAsync_StopTimeout_LetsTheCurrentTaskFinishThenCancels()
    {
        Probe probe = Probe.Start();
        using var test = new LoadTest(new LoadTestOptions { Users = 1, SpawnRate = 1, StopTimeout = TimeSpan.FromSeconds(5) }, [typeof(LongTaskUser)], _time);

        Task<RunResult> run = test.RunAsync();
        await Eventually.TrueAsync(() => probe["began"] == 1, "the long task begins");
        test.Stop();
        await Eventually.TrueAsync(() => test.StopsRequested, "the user is asked to stop, its stop timeout armed");
        probe["cancelled"].ShouldBe(0, "the task may run for the stop timeout");
        run.IsCompleted.ShouldBeFalse();
        Advance(5);
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        probe["cancelled"].ShouldBe(1);
        probe["stop"].ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_ZeroStopTimeout_CancelsTheCurrentTaskAtOnce()
    {
        Probe probe = Probe.Start();
        using var test = new LoadTest(new LoadTestOptions { Users = 1, SpawnRate = 1 }, [typeof(LongTaskUser)], _time);

        Task<RunResult> run = test.RunAsync();
        await Eventually.TrueAsync(() => probe["began"] == 1, "the long task begins");
        test.Stop();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        probe["cancelled"].ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_Stages_RampUpThenDownThenFinish()
    {
        Probe probe = Probe.Start();
        var options = new LoadTestOptions
        {
            Shape = LoadShapes.Stages(
                new Stage(TimeSpan.FromSeconds(2), 2, 100),
                new Stage(TimeSpan.FromSeconds(2), 5, 100),
                new Stage(TimeSpan.FromSeconds(2), 1, 100)),
        };
        using var test = new LoadTest(options, [typeof(TickUser)], _time);

        Task<RunResult> run = test.RunAsync();
        await AdvanceUntilAsync(() => test.Users == 2, "stage 1 runs 2 users", max: 1);
        AdvanceTo(2);
        await AdvanceUntilAsync(() => test.Users == 5, "stage 2 runs 5 users", max: 1);
        AdvanceTo(4);
        await AdvanceUntilAsync(() => test.Users == 1, "stage 3 runs 1 user", max: 1);
        await Eventually.TrueAsync(() => probe["stop"] == 4, "ramp-down stops the four newest users");
        AdvanceTo(6);
        RunResult result = await run.WaitAsync(TimeSpan.FromSeconds(10));

        result.StopReason.ShouldBe(StopReason.ShapeFinished);
        probe["start"].ShouldBe(5);
    }

    [Fact]
    public async Task RunAsync_EveryUserStopsItself_EndsTheRun()
    {
        Probe.Start();
        using var test = new LoadTest(new LoadTestOptions { Users = 3, SpawnRate = 100 }, [typeof(QuitterUser)], _time);

        Task<RunResult> run = test.RunAsync();
        await AdvanceUntilAsync(() => run.IsCompleted, "every user stopped itself", max: 3);
        RunResult result = await run;

        result.StopReason.ShouldBe(StopReason.AllUsersStopped);
        result.HasErrors.ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_WeightedAndFixedClasses_SpawnInProportion()
    {
        Probe probe = Probe.Start();
        using var test = new LoadTest(new LoadTestOptions { Users = 9, SpawnRate = 1000 }, [typeof(TickUser), typeof(HeavyUser), typeof(AdminUser)], _time);

        Task<RunResult> run = test.RunAsync();
        await AdvanceUntilAsync(() => probe["start"] + probe["heavy"] + probe["admin"] == 9, "nine users start", max: 1);
        test.Stop();
        await run;

        probe["admin"].ShouldBe(1);
        probe["heavy"].ShouldBe(6);
        probe["start"].ShouldBe(2);
    }

    [Fact]
    public async Task RunAsync_SameSeed_RepeatsTheTaskPicks()
    {
        string first = await PicksAsync(seed: 1234);
        string second = await PicksAsync(seed: 1234);
        string other = await PicksAsync(seed: 99);

        first.ShouldBe(second);
        first.ShouldNotBe(other);
    }

    [Fact]
    public void Constructor_HttpUserWithoutHost_ThrowsNamingTheFlag()
    {
        ScenarioException ex = Should.Throw<ScenarioException>(() => new LoadTest(new LoadTestOptions(), [typeof(HostlessHttpUser)], _time));

        ex.Message.ShouldContain("--host");
        ex.Message.ShouldContain(nameof(HostlessHttpUser));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheOption()
    {
        ArgumentException ex = Should.Throw<ArgumentException>(() => new LoadTest(new LoadTestOptions { Users = -3 }, [typeof(TickUser)], _time));

        ex.Message.ShouldContain("Users is -3");
    }

    private async Task<string> PicksAsync(int seed)
    {
        Probe probe = Probe.Start();
        using var test = new LoadTest(new LoadTestOptions { Users = 1, SpawnRate = 1, Seed = seed }, [typeof(PickUser)], new FakeTimeProvider());
        Task<RunResult> run = test.RunAsync();
        await Eventually.TrueAsync(() => probe.UserIds.Count >= 40, "forty picks");
        test.Stop();
        await run;
        return string.Concat(probe.UserIds.Take(40));
    }

    private double _advanced;

    private void Advance(double seconds)
    {
        _advanced += seconds;
        _time.Advance(TimeSpan.FromSeconds(seconds));
    }

    /// <summary>Moves the fake clock by <paramref name="seconds"/>, then waits until the control loop has run at the new time.</summary>
    internal static async Task AdvancedPastAsync(LoadTest test, FakeTimeProvider time, double seconds)
    {
        double before = test.ControlledSeconds;
        time.Advance(TimeSpan.FromSeconds(seconds));
        await Eventually.TrueAsync(() => test.ControlledSeconds >= before + seconds, $"the control loop ran {seconds} s of fake time later");
    }

    private void AdvanceTo(double seconds) => Advance(seconds - _advanced);

    /// <summary>Moves the fake clock in small steps, letting continuations run between them, until <paramref name="condition"/> holds.</summary>
    private async Task AdvanceUntilAsync(Func<bool> condition, string because, double step = 0.01, double max = 5)
    {
        for (double moved = 0; !condition(); moved += step)
        {
            if (moved > max)
            {
                throw new TimeoutException($"{because} did not happen within {max} s of fake time.");
            }

            await Task.Delay(3);
            if (!condition())
            {
                Advance(step);
            }
        }
    }

    internal sealed class TickUser : User
    {
        public override WaitTime WaitTime => WaitTime.Constant(1);

        public override Task OnStartAsync()
        {
            Probe.Current.Hit("start");
            return Task.CompletedTask;
        }

        public override Task OnStopAsync()
        {
            Probe.Current.Hit("stop");
            return Task.CompletedTask;
        }

        [Task]
        public Task Tick()
        {
            Probe.Current.Hit("task");
            return Task.CompletedTask;
        }
    }

    [Weight(3)]
    internal sealed class HeavyUser : User
    {
        public override WaitTime WaitTime => WaitTime.Constant(1);

        public override Task OnStartAsync()
        {
            Probe.Current.Hit("heavy");
            return Task.CompletedTask;
        }

        [Task]
        public Task Tick() => Task.CompletedTask;
    }

    [FixedCount(1)]
    internal sealed class AdminUser : User
    {
        public override WaitTime WaitTime => WaitTime.Constant(1);

        public override Task OnStartAsync()
        {
            Probe.Current.Hit("admin");
            return Task.CompletedTask;
        }

        [Task]
        public Task Tick() => Task.CompletedTask;
    }

    internal sealed class ThrowingUser : User
    {
        public override WaitTime WaitTime => WaitTime.Constant(1);

        [Task]
        public Task Fail()
        {
            Probe.Current.Hit("task");
            throw new InvalidOperationException("model not loaded");
        }
    }

    internal sealed class LongTaskUser : User
    {
        public override Task OnStopAsync()
        {
            Probe.Current.Hit("stop");
            return Task.CompletedTask;
        }

        [Task]
        public async Task Long()
        {
            Probe.Current.Hit("began");
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, CancellationToken);
            }
            catch (OperationCanceledException)
            {
                Probe.Current.Hit("cancelled");
                throw;
            }
        }
    }

    internal sealed class QuitterUser : User
    {
        [Task]
        public Task Quit() => throw new StopUserException("feeder exhausted");
    }

    internal sealed class PickUser : User
    {
        [Task(1)]
        public Task A() => Pick(0);

        [Task(1)]
        public Task B() => Pick(1);

        private static async Task Pick(int which)
        {
            Probe.Current.UserIds.Enqueue(which);
            await Task.Yield();
        }
    }

    internal sealed class HostlessHttpUser : HttpUser
    {
        [Task]
        public Task Get() => Client.GetAsync("/");
    }
}
