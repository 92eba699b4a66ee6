using Microsoft.Extensions.Time.Testing;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Core.Tests.Monitoring;

public sealed class GeneratorMonitorTests
{
    private TimeSpan _cpu;
    private TimeSpan _gc;
    private int _gen0;

    [Fact]
    public void Sample_GcAndThreadPool_ReportedPerSecond()
    {
        var monitor = new GeneratorMonitor(90, Read, processorCount: 2);
        _gc += TimeSpan.FromMilliseconds(12.5);
        _gen0 += 3;
        monitor.Sample(TimeSpan.FromSeconds(1), 1);
        _gc += TimeSpan.FromMilliseconds(2);
        monitor.Sample(TimeSpan.FromSeconds(2), 2);

        GeneratorHealth health = monitor.Current;
        health.Samples.Select(s => s.GcPauseMs).ShouldBe([12.5, 2]);
        health.Samples.Select(s => s.Gen0Collections).ShouldBe([3, 0]);
        health.Samples[0].ThreadPoolQueueLength.ShouldBe(7);
        health.TotalGcPauseMs.ShouldBe(14.5);
    }

    [Fact]
    public void Sample_LongGcPause_Warns()
    {
        var monitor = new GeneratorMonitor(90, Read, processorCount: 2);
        _gc += TimeSpan.FromMilliseconds(65);
        monitor.Sample(TimeSpan.FromSeconds(1), 1);
        _gc += TimeSpan.FromMilliseconds(5);
        monitor.Sample(TimeSpan.FromSeconds(2), 2);

        monitor.Current.Warnings.ShouldHaveSingleItem().Message.ShouldContain("paused the generator for 65 ms");
    }

    [Fact]
    public void JudgeSecond_GcPausesAboveFiftyMsInTheSecond_CountItGeneratorBoundNamingTheWorstPause()
    {
        var monitor = new GeneratorMonitor(90, Read, processorCount: 2);

        // The samples closing seconds 1-4 (history seconds 0-3) carry 50, 60, 5 and 236 ms of pauses.
        double[] pauses = [50, 60, 5, 236];
        for (int second = 1; second <= pauses.Length; second++)
        {
            _gc += TimeSpan.FromMilliseconds(pauses[second - 1]);
            monitor.Sample(TimeSpan.FromSeconds(second), second);
        }

        bool[] bound = [.. Enumerable.Range(0, pauses.Length).Select(s => monitor.JudgeSecond(s, lagMs: 0.1))];

        bound.ShouldBe([false, true, false, true], "50 ms is at the bound, not above it");
        GeneratorHealth health = monitor.Current;
        health.BoundSinceSecond.ShouldBe(1);
        health.BoundSeconds.ShouldBe(2);
        health.BoundReasons.ShouldBe(["GC paused the generator up to 236 ms/s (bound 50 ms/s)"]);
        health.Warnings.Count.ShouldBe(2, "one warning per streak of pausing seconds");
        health.Warnings[0].Message.ShouldContain("counts as generator-bound");
    }

    [Fact]
    public void JudgeSecond_GcPausesWithCpuAndLag_NamesEveryReasonOnce()
    {
        var monitor = new GeneratorMonitor(90, Read, processorCount: 2);
        _gc += TimeSpan.FromMilliseconds(80);
        _cpu += TimeSpan.FromSeconds(1.95);
        monitor.Sample(TimeSpan.FromSeconds(1), 1);
        _gc += TimeSpan.FromMilliseconds(60);
        monitor.Sample(TimeSpan.FromSeconds(2), 2);

        monitor.JudgeSecond(0, lagMs: 9).ShouldBeTrue();
        monitor.JudgeSecond(1, lagMs: 0.2).ShouldBeTrue();

        monitor.Current.BoundReasons.ShouldBe(["scheduling lag p99 above 5 ms", "CPU above 90%", "GC paused the generator up to 80 ms/s (bound 50 ms/s)"]);
    }

    [Fact]
    public void JudgeSecond_ItsClosingSampleCameLateAndCoversTheNextSecondToo_IsJudgedOnThatSample()
    {
        // A 1.2 s pause held the sampler past second 2: the sample after the one closing second 1 closes second 3.
        var monitor = new GeneratorMonitor(90, Read, processorCount: 2);
        monitor.Sample(TimeSpan.FromSeconds(1), 1);
        _gc += TimeSpan.FromMilliseconds(1200);
        monitor.Sample(TimeSpan.FromSeconds(3.1), 3);

        monitor.JudgeSecond(0, lagMs: 0.1).ShouldBeFalse();
        monitor.JudgeSecond(1, lagMs: 0.1).ShouldBeTrue("the sample closing second 3 covers second 1's end");
        monitor.Current.BoundReasons.ShouldBe(["GC paused the generator up to 1200 ms/s (bound 50 ms/s)"]);
    }

    [Fact]
    public void SampleAndCloseIntervals_PumpHeldByAPausePastTheGrace_JudgesTheSecondWithThePause()
    {
        // The pump samples the generator and closes seconds once a second; a 262 ms collection late in second 1 holds
        // it too, so its next turn comes at 2.4 s, past second 1's end and its 250 ms grace. That second must be judged
        // with the sample that holds the pause: one taken after the second closed would judge nothing.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        long start = time.GetTimestamp();
        var monitor = new GeneratorMonitor(90, Read, processorCount: 2);
        var aggregator = new MetricsAggregator(new MetricsRecorder(), monitor, time, start);

        time.Advance(TimeSpan.FromSeconds(1.01));
        aggregator.SampleAndCloseIntervals(time.GetTimestamp());
        _gc += TimeSpan.FromMilliseconds(262);
        time.Advance(TimeSpan.FromSeconds(1.39));
        aggregator.SampleAndCloseIntervals(time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(0.61));
        aggregator.SampleAndCloseIntervals(time.GetTimestamp());

        StatsSnapshot snapshot = aggregator.Snapshot(time.GetTimestamp());
        snapshot.History.Select(s => s.GeneratorBound).ShouldBe([false, true]);
        snapshot.Generator.BoundReasons.ShouldBe(["GC paused the generator up to 262 ms/s (bound 50 ms/s)"]);
    }

    private ProcessReading Read() => new(_cpu, _gc, _gen0, 0, 0, 7, 4);

    [Fact]
    public void Sample_CpuAboveThreshold_WarnsOncePerEpisode()
    {
        var monitor = new GeneratorMonitor(90, Read, processorCount: 2);
        var raised = new List<GeneratorWarning>();
        monitor.WarningRaised += raised.Add;

        // Seconds 1-5 use 0.5, 1.9, 1.95, 0.4, 1.99 CPU-seconds of 2 cores: 25%, 95%, 97.5%, 20%, 99.5%.
        double[] used = [0.5, 1.9, 1.95, 0.4, 1.99];
        for (int second = 1; second <= used.Length; second++)
        {
            _cpu += TimeSpan.FromSeconds(used[second - 1]);
            monitor.Sample(TimeSpan.FromSeconds(second), second);
        }

        GeneratorHealth health = monitor.Current;
        health.Samples.Select(c => c.CpuPercent).ShouldBe([25, 95, 97.5, 20, 99.5]);
        health.PeakCpuPercent.ShouldBe(99.5);
        health.AverageCpuPercent.ShouldBe(67.4);
        raised.Count.ShouldBe(2);
        health.Warnings.Select(w => w.At).ShouldBe([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)]);
        health.Warnings[0].Message.ShouldContain("above 90%");
    }

    [Fact]
    public void Sample_TinyWindowAtTheEnd_IsFoldedIntoNothing()
    {
        var monitor = new GeneratorMonitor(90, Read, processorCount: 1);
        _cpu += TimeSpan.FromSeconds(0.1);
        monitor.Sample(TimeSpan.FromSeconds(1), 1);
        _cpu += TimeSpan.FromSeconds(0.05);
        monitor.Sample(TimeSpan.FromSeconds(1.05), 2);

        monitor.Current.Samples.Count.ShouldBe(1);
        monitor.Current.Warnings.ShouldBeEmpty();
    }
}
