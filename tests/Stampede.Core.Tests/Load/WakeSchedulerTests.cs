using System.Diagnostics;
using Stampede.Load;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Load;

/// <summary>The one thread that ends every closed-model user's think time.</summary>
[Collection(nameof(TimingSensitive))]
public sealed class WakeSchedulerTests
{
    [Fact]
    public async Task SleepAsync_Pause_ReturnsTrueNoSoonerThanThePause()
    {
        using var scheduler = new WakeScheduler();
        using var stop = new CancellationTokenSource();
        var sleeper = new Sleeper(scheduler, stop.Token);

        long start = Stopwatch.GetTimestamp();
        bool slept = await sleeper.SleepAsync(TimeSpan.FromMilliseconds(40));

        slept.ShouldBeTrue();
        Stopwatch.GetElapsedTime(start).TotalMilliseconds.ShouldBeGreaterThanOrEqualTo(40);
    }

    [Fact]
    public async Task SleepAsync_SleepersWithDifferentPauses_WakeInTheOrderTheyAreDue()
    {
        using var scheduler = new WakeScheduler();
        using var stop = new CancellationTokenSource();
        var woken = new List<int>();
        int[] pausesMs = [90, 10, 60, 30];

        await Task.WhenAll(pausesMs.Select(async pause =>
        {
            var sleeper = new Sleeper(scheduler, stop.Token);
            (await sleeper.SleepAsync(TimeSpan.FromMilliseconds(pause))).ShouldBeTrue();
            lock (woken)
            {
                woken.Add(pause);
            }
        }));

        woken.ShouldBe([10, 30, 60, 90]);
    }

    [Fact]
    public async Task SleepAsync_StopWhileAsleep_ReturnsFalseWithoutWaitingThePause()
    {
        using var scheduler = new WakeScheduler();
        using var stop = new CancellationTokenSource();
        var sleeper = new Sleeper(scheduler, stop.Token);

        ValueTask<bool> sleeping = sleeper.SleepAsync(TimeSpan.FromMinutes(10));
        sleeping.IsCompleted.ShouldBeFalse();
        await stop.CancelAsync();

        (await sleeping.AsTask().WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeFalse();
    }

    [Fact]
    public async Task SleepAsync_AlreadyStopped_ReturnsFalseAtOnce()
    {
        using var scheduler = new WakeScheduler();
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();
        var sleeper = new Sleeper(scheduler, stop.Token);

        ValueTask<bool> sleeping = sleeper.SleepAsync(TimeSpan.FromMinutes(10));

        sleeping.IsCompleted.ShouldBeTrue();
        (await sleeping).ShouldBeFalse();
    }

    [Fact]
    public async Task Dispose_WithSleepersWaiting_WakesThemWithFalse()
    {
        var scheduler = new WakeScheduler();
        using var stop = new CancellationTokenSource();
        ValueTask<bool>[] sleeping = [.. Enumerable.Range(0, 3).Select(_ => new Sleeper(scheduler, stop.Token).SleepAsync(TimeSpan.FromMinutes(10)))];

        scheduler.Dispose();

        foreach (ValueTask<bool> s in sleeping)
        {
            (await s.AsTask().WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task SleepAsync_OneSleeperReusedManyTimes_WakesEveryTime()
    {
        using var scheduler = new WakeScheduler();
        using var stop = new CancellationTokenSource();
        var sleeper = new Sleeper(scheduler, stop.Token);

        int woken = 0;
        for (int i = 0; i < 200; i++)
        {
            woken += await sleeper.SleepAsync(TimeSpan.FromTicks(100)) ? 1 : 0;
        }

        woken.ShouldBe(200);
    }

    [Fact]
    public async Task SleepAsync_ThousandsOfSleepers_AllocatesNothingPerWait()
    {
        using var scheduler = new WakeScheduler();
        using var stop = new CancellationTokenSource();
        Sleeper[] sleepers = [.. Enumerable.Range(0, 2000).Select(_ => new Sleeper(scheduler, stop.Token))];
        await Task.WhenAll(sleepers.Select(s => s.SleepAsync(TimeSpan.FromMilliseconds(1)).AsTask()));

        // Later rounds of the same sleepers: the scheduler's queue has grown to its size, and a wait itself allocates no
        // task, timer or registration. The count is process-wide, so another test's leftover threads can only add to it:
        // the least of three rounds is the waits' own cost.
        var waits = new ValueTask<bool>[sleepers.Length];
        long perWait = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < sleepers.Length; i++)
            {
                waits[i] = sleepers[i].SleepAsync(TimeSpan.FromMilliseconds(5));
            }

            (await CountWokenAsync(waits)).ShouldBe(sleepers.Length);
            perWait = Math.Min(perWait, (GC.GetTotalAllocatedBytes(precise: true) - before) / sleepers.Length);
        }

        perWait.ShouldBeLessThan(64, "Task.Delay costs about 250 bytes a wait (a promise, a timer and a registration)");
    }

    /// <summary>Awaits each wait as the user loop does: without the test framework's synchronization context, whose Post allocates.</summary>
    private static async Task<int> CountWokenAsync(ValueTask<bool>[] waits)
    {
        int woken = 0;
        foreach (ValueTask<bool> wait in waits)
        {
            woken += await wait.ConfigureAwait(false) ? 1 : 0;
        }

        return woken;
    }
}
