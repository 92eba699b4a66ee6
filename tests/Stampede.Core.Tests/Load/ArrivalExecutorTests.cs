using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Load;

/// <summary>The open-model executor on a fake clock: when iterations start, what they are charged from, what is dropped.</summary>
public sealed class ArrivalExecutorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private double _advanced;

    [Fact]
    public async Task RunAsync_ConstantRate_StartsEachIterationAtItsExactIntendedTime()
    {
        Probe probe = Probe.Start();
        var options = new LoadTestOptions { Rate = 10, RunTime = TimeSpan.FromSeconds(2), Seed = 1 };
        using var test = new LoadTest(options, [typeof(StampUser)], _time);

        RunResult result = await RunToEndAsync(test, step: 0.01);

        Stamp[] stamps = Stamps(probe);
        long origin = stamps[0].Intended; // the first arrival is due at the run's start
        stamps.Length.ShouldBe(20);
        for (int k = 0; k < 20; k++)
        {
            // Intended starts are absolute: k / 10 s after the start, to the tick.
            (stamps[k].Intended - origin).ShouldBe(k * _time.TimestampFrequency / 10);
            stamps[k].Scheduled.ShouldBeTrue();
        }

        result.StopReason.ShouldBe(StopReason.RunTimeElapsed);
        ArrivalStats arrivals = result.Stats.Arrivals.ShouldNotBeNull();
        arrivals.DueIterations.ShouldBe(20);
        arrivals.StartedIterations.ShouldBe(20);
        arrivals.DroppedIterations.ShouldBe(0);
        arrivals.ExpectedIterations.ShouldBe(20, 1e-6);
        arrivals.TargetRate.ShouldBe(10);
    }

    [Fact]
    public async Task RunAsync_NoFreeUserAndPoolFull_DropsAndCountsEachArrivalPerSecond()
    {
        Probe probe = Probe.Start();
        var options = new LoadTestOptions { Rate = 10, RunTime = TimeSpan.FromSeconds(2), PreAllocatedUsers = 2, MaxUsers = 2 };
        using var test = new LoadTest(options, [typeof(BlockedUser)], _time);

        RunResult result = await RunToEndAsync(test, step: 0.01);

        probe["began"].ShouldBe(2, "two users take the first two arrivals and never finish");
        ArrivalStats arrivals = result.Stats.Arrivals.ShouldNotBeNull();
        arrivals.DueIterations.ShouldBe(20);
        arrivals.StartedIterations.ShouldBe(2);
        arrivals.DroppedIterations.ShouldBe(18);
        result.Stats.History.Select(i => i.DroppedIterations).ShouldBe([8L, 10L]);
        result.Stats.History.Select(i => i.DueIterations).ShouldBe([10L, 10L]);
    }

    [Fact]
    public async Task RunAsync_PoolBelowMaximum_GrowsInsteadOfDropping()
    {
        Probe probe = Probe.Start();
        var options = new LoadTestOptions { Rate = 10, RunTime = TimeSpan.FromSeconds(1), PreAllocatedUsers = 1, MaxUsers = 6 };
        using var test = new LoadTest(options, [typeof(BlockedUser)], _time);

        RunResult result = await RunToEndAsync(test, step: 0.01);

        probe["began"].ShouldBe(6);
        ArrivalStats arrivals = result.Stats.Arrivals.ShouldNotBeNull();
        arrivals.StartedIterations.ShouldBe(6);
        arrivals.DroppedIterations.ShouldBe(4);
    }

    [Fact]
    public async Task RunAsync_Backlog_LateIterationsKeepTheirIntendedStart()
    {
        Probe probe = Probe.Start();
        var options = new LoadTestOptions { Rate = 10, RunTime = TimeSpan.FromSeconds(1), PreAllocatedUsers = 1, MaxUsers = 1, MaxBacklog = 2 };
        using var test = new LoadTest(options, [typeof(SlowUser)], _time);

        RunResult result = await RunToEndAsync(test, step: 0.01);
        long origin = Stamps(probe)[0].Intended;

        // One user, iterations of 0.32 s, room for two waiting arrivals. It runs 0.0 at once, 0.1 at 0.32,
        // 0.2 at 0.64 and 0.4 at 0.96; 0.3, 0.5, 0.6, 0.8 and 0.9 find the backlog full; 0.7 still waits at the end.
        // (With 0.33 s iterations the fourth send came at 0.99, one clock step from the end: a late start lost it.)
        Stamp[] stamps = Stamps(probe);
        stamps.Select(s => Seconds(s.Intended - origin)).ShouldBe([0.0, 0.1, 0.2, 0.4], tolerance: 1e-9);
        // The first send may come one clock step after its intended start when the machine is busy (the test moves the
        // fake clock in 0.01 s steps; CI saw 0.01): each later one follows it by exactly an iteration.
        Seconds(stamps[0].Sent - origin).ShouldBeLessThanOrEqualTo(0.01 + 1e-9);
        stamps.Select(s => Seconds(s.Sent - stamps[0].Sent)).ShouldBe([0.0, 0.32, 0.64, 0.96], tolerance: 1e-9);
        ArrivalStats arrivals = result.Stats.Arrivals.ShouldNotBeNull();
        arrivals.DueIterations.ShouldBe(10);
        arrivals.DroppedIterations.ShouldBe(5);
        arrivals.StartedIterations.ShouldBe(4);
    }

    [Fact]
    public async Task RunAsync_RateStages_FollowTheRampArea()
    {
        Probe probe = Probe.Start();
        var options = new LoadTestOptions { RateStages = [new RateStage(TimeSpan.FromSeconds(2), 20), new RateStage(TimeSpan.FromSeconds(1), 20)] };
        using var test = new LoadTest(options, [typeof(StampUser)], _time);

        RunResult result = await RunToEndAsync(test, step: 0.01);
        long origin = Stamps(probe)[0].Intended;

        // 0 → 20 it/s over 2 s holds 5 arrivals in the first second and 15 in the second; then 20 at a steady 20/s.
        double[] starts = [.. Stamps(probe).Select(s => Seconds(s.Intended - origin))];
        starts.Count(t => t < 1).ShouldBe(5);
        starts.Count(t => t is >= 1 and < 2).ShouldBe(15);
        starts.Count(t => t is >= 2 and < 3).ShouldBe(20);
        result.StopReason.ShouldBe(StopReason.ShapeFinished);
    }

    [Fact]
    public async Task RunAsync_PoissonWithSeed_RepeatsTheSameSchedule()
    {
        double[] first = await PoissonStartsAsync(seed: 7);
        double[] second = await PoissonStartsAsync(seed: 7);
        double[] other = await PoissonStartsAsync(seed: 8);

        first.Length.ShouldBeGreaterThan(5);
        second.ShouldBe(first);
        other.ShouldNotBe(first);
        first.Zip(first.Skip(1)).ShouldAllBe(p => p.Second > p.First, "Poisson gaps are positive");
    }

    [Fact]
    public async Task RunAsync_ConstantPacingOverrun_MeasuresTheNextTaskFromItsSlot()
    {
        Probe probe = Probe.Start();
        probe.Settings["ms"] = 1500.0;
        using var test = new LoadTest(new LoadTestOptions { Users = 1, SpawnRate = 1 }, [typeof(PacedUser)], _time);

        Task<RunResult> run = test.RunAsync();
        await AdvanceUntilAsync(() => probe.Counts.GetValueOrDefault("task") >= 3, "three paced tasks", step: 0.05, max: 10);
        test.Stop();
        await run;

        // Pacing of 1 s, tasks of 1.5 s: slots at 0, 1, 2 s; actual starts at 0, 1.5, 3 s.
        Stamp[] stamps = Stamps(probe);
        long origin = stamps[0].Intended;
        stamps.Take(3).Select(s => Seconds(s.Intended - origin)).ShouldBe([0.0, 1.0, 2.0], tolerance: 0.051);
        stamps.Take(3).Select(s => Seconds(s.Sent - origin)).ShouldBe([0.0, 1.5, 3.0], tolerance: 0.051);
        stamps.ShouldAllBe(s => !s.Scheduled, "pacing corrects latency but is not scheduling lag");
    }

    private async Task<double[]> PoissonStartsAsync(int seed)
    {
        Probe probe = Probe.Start();
        var time = new FakeTimeProvider();
        var options = new LoadTestOptions { Rate = 20, Arrivals = ArrivalProcess.Poisson, RunTime = TimeSpan.FromSeconds(1), Seed = seed };
        using var test = new LoadTest(options, [typeof(StampUser)], time);
        Task<RunResult> run = test.RunAsync();
        while (!run.IsCompleted)
        {
            await Task.Delay(2);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        await run;
        long origin = Stamps(probe)[0].Intended; // Poisson's first arrival is one gap after the start: the sequence from it must repeat
        // Arrivals just before the end may be cut off by the stop; the schedule itself is what must repeat.
        return [.. Stamps(probe).Select(s => (s.Intended - origin) / (double)time.TimestampFrequency).Where(t => t < 0.9)];
    }

    private async Task<RunResult> RunToEndAsync(LoadTest test, double step)
    {
        Task<RunResult> run = test.RunAsync();
        await AdvanceUntilAsync(() => run.IsCompleted, "the run ended", step, max: 30);
        return await run;
    }

    private double Seconds(long ticks) => ticks / (double)_time.TimestampFrequency;

    private static Stamp[] Stamps(Probe probe) => [.. ((ConcurrentQueue<Stamp>)probe.Settings.GetOrAdd("stamps", _ => new ConcurrentQueue<Stamp>())).OrderBy(s => s.Intended)];

    private void Advance(double seconds)
    {
        _advanced += seconds;
        _time.Advance(TimeSpan.FromSeconds(seconds));
    }

    /// <summary>Moves the fake clock in small steps, letting continuations run between them, until <paramref name="condition"/> holds.</summary>
    private async Task AdvanceUntilAsync(Func<bool> condition, string because, double step, double max)
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

    internal readonly record struct Stamp(long Intended, long Sent, bool Scheduled);

    /// <summary>Records, as its first "request", the intended start the executor gave the iteration and the time now.</summary>
    internal abstract class StampingUser : User
    {
        protected void StampNow()
        {
            long now = Context.Time.GetTimestamp();
            long intended = Context.TakeIntendedStart(now, out bool scheduled);
            var stamps = (ConcurrentQueue<Stamp>)Probe.Current.Settings.GetOrAdd("stamps", _ => new ConcurrentQueue<Stamp>());
            stamps.Enqueue(new Stamp(intended, now, scheduled));
            Probe.Current.Hit("task");
        }
    }

    internal sealed class StampUser : StampingUser
    {
        [Task]
        public Task Go()
        {
            StampNow();
            return Task.CompletedTask;
        }
    }

    internal sealed class BlockedUser : User
    {
        [Task]
        public async Task Hang()
        {
            Probe.Current.Hit("began");
            await Task.Delay(Timeout.InfiniteTimeSpan, CancellationToken);
        }
    }

    internal sealed class SlowUser : StampingUser
    {
        [Task]
        public async Task Work()
        {
            StampNow();
            await Task.Delay(TimeSpan.FromSeconds(0.32), Context.Time, CancellationToken);
        }
    }

    internal sealed class PacedUser : StampingUser
    {
        public override WaitTime WaitTime => WaitTime.ConstantPacing(1);

        [Task]
        public async Task Work()
        {
            StampNow();
            await Task.Delay(TimeSpan.FromMilliseconds((double)Probe.Current.Settings["ms"]), Context.Time, CancellationToken);
        }
    }
}
