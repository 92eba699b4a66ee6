using Microsoft.Extensions.Time.Testing;
using Stampede.Monitoring;
using Stampede.Monitoring.Target;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Monitoring.Target;

public sealed class TargetMonitorTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task ReadOnceAsync_ReadsAroundEachSecond_LandInTheSecondTheyEnd()
    {
        // Arrange: a read at t ends second round(t) − 1; the read at 0 is the base; 2.4 ends the same second as 1.98.
        (double At, double Queue)[] reads = [(0.0, 1), (1.02, 2), (1.98, 3), (2.4, 4), (4.0, 5)];
        var source = new ScriptedSource("demo");
        foreach ((_, double length) in reads)
        {
            source.Then(Expositions.Demo(length, capacity: 64, busy: 1, ready: 4, current: 4, [0, 0, 0, 0, 0]));
        }

        await using TargetMonitor monitor = Monitor(source);

        // Act
        foreach ((double at, _) in reads)
        {
            await monitor.ReadOnceAsync(0, at, CancellationToken.None);
        }

        // Assert: second 0 from 1.02, second 1 from 2.4 (later wins), second 2 a gap, second 3 from 4.0.
        TargetSnapshot snapshot = monitor.Current;
        TargetSeries queue = snapshot.Series.Single(s => s.Name == "stampede_demo_queue_length");
        queue.Values.ShouldBe([2d, 4d, null, 5d]);
        queue.Capacity.ShouldBe(64);
        queue.Capacities.ShouldBeNull();
        queue.CapacityAt(2).ShouldBe(64);
        snapshot.Sources.ShouldHaveSingleItem().Scrapes.ShouldBe(5);
    }

    [Fact]
    public async Task ReadOnceAsync_CounterRates_UseTheTimeBetweenReads()
    {
        // Arrange: +1 CPU-second from 0 to 1.02 s, +0.96 from 1.02 to 1.98 s, +2 from 1.98 to 4.0 s.
        var source = new ScriptedSource("demo", isLocal: true, hostKey: "localhost");
        double[] cpu = [10, 11, 11.96, 13.96];
        double[] at = [0, 1.02, 1.98, 4.0];
        foreach (double seconds in cpu)
        {
            source.Then(Expositions.Demo(0, 64, 0, 4, 4, [0, 0, 0, 0, 0], cpuSeconds: seconds));
        }

        await using TargetMonitor monitor = Monitor(source);

        // Act
        foreach (double t in at)
        {
            await monitor.ReadOnceAsync(0, t, CancellationToken.None);
        }

        // Assert
        TargetSeries rate = monitor.Current.Series.Single(s => s.Name == "process_cpu_seconds_total");
        rate.Kind.ShouldBe("rate");
        rate.Values.Count.ShouldBe(4);
        rate.Values[0].ShouldNotBeNull().ShouldBe(1 / 1.02, 1e-9);
        rate.Values[1].ShouldNotBeNull().ShouldBe(1.0, 1e-9);
        rate.Values[2].ShouldBeNull();
        rate.Values[3].ShouldNotBeNull().ShouldBe(2 / 2.02, 1e-9);
        rate.Capacity.ShouldBe(2);
    }

    [Fact]
    public async Task Current_CapacityThatVaries_KeptPerSecond()
    {
        // Arrange: the demo autoscaler readies a second and a third worker.
        var source = new ScriptedSource("demo");
        double[] ready = [1, 1, 2, 3];
        foreach (double workers in ready)
        {
            source.Then(Expositions.Demo(queue: 0, capacity: 64, busy: 1, ready: workers, current: 3, [0, 0, 0, 0, 0]));
        }

        await using TargetMonitor monitor = Monitor(source);

        // Act
        for (int i = 0; i < ready.Length; i++)
        {
            await monitor.ReadOnceAsync(0, i + 1, CancellationToken.None);
        }

        // Assert
        TargetSeries busy = monitor.Current.Series.Single(s => s.Name == "stampede_demo_workers_busy");
        busy.Capacities.ShouldBe([1d, 1d, 2d, 3d]);
        busy.Capacity.ShouldBe(3);
        busy.CapacityAt(1).ShouldBe(1);
        busy.CapacitySource.ShouldBe("stampede_demo_workers_ready");
        monitor.Current.Series.Single(s => s.Name == "stampede_demo_queue_length").Capacities.ShouldBeNull();
    }

    [Fact]
    public async Task Current_FailedReadsBetweenGoodOnes_GapsAndOneWarningPerStreak()
    {
        var source = new ScriptedSource("app")
            .Then(Expositions.Demo(1, 64, 1, 4, 4, [0, 0, 0, 0, 0]))
            .ThenFail("connection refused by gpu-node-01:8000: is the exporter running?")
            .ThenFail("connection refused by gpu-node-01:8000: is the exporter running?")
            .ThenFail("timed out after 2 s (--metrics-timeout)", timedOut: true)
            .Then(Expositions.Demo(2, 64, 1, 4, 4, [0, 0, 0, 0, 0]));
        await using TargetMonitor monitor = Monitor(source);

        for (int i = 1; i <= 5; i++)
        {
            await monitor.ReadOnceAsync(0, i, CancellationToken.None);
        }

        TargetSnapshot snapshot = monitor.Current;
        TargetSourceStats stats = snapshot.Sources.ShouldHaveSingleItem();
        (stats.Scrapes, stats.Failures, stats.Timeouts, stats.Up).ShouldBe((5L, 3L, 1L, true));
        stats.LastError.ShouldBe("timed out after 2 s (--metrics-timeout)");
        snapshot.Series.Single(s => s.Name == "stampede_demo_queue_length").Values.ShouldBe([1d, null, null, null, 2d]);
        snapshot.Warnings.Select(w => w.Message[(w.Message.IndexOf("): ", StringComparison.Ordinal) + 3)..]).ShouldBe(
        [
            "scrape failed: connection refused by gpu-node-01:8000: is the exporter running?; the run goes on without it (failures are counted)",
            "scrape failed: timed out after 2 s (--metrics-timeout); the run goes on without it (failures are counted)",
            "answers again after 3 failed scrapes",
        ]);
        snapshot.Warnings.Select(w => w.At).ShouldBe([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5)]);
    }

    [Fact]
    public async Task Start_OnAFakeClock_ReadsEveryIntervalAndKeepsGoingThroughFailures()
    {
        // Arrange: the endpoint is down for the first two reads, then up.
        var source = new ScriptedSource("app")
            .ThenFail("HTTP 503 Service Unavailable from http://gpu-node-01:8000/metrics: check the metrics path")
            .ThenFail("HTTP 503 Service Unavailable from http://gpu-node-01:8000/metrics: check the metrics path")
            .Then(Expositions.Demo(3, 64, 1, 4, 4, [0, 0, 0, 0, 0]));
        await using TargetMonitor monitor = Monitor(source);

        // Act: the first read is at the start, then one per interval as the clock advances.
        monitor.Start(_time.GetTimestamp());
        for (int reads = 1; reads <= 4; reads++)
        {
            await Eventually.TrueAsync(() => monitor.Current.Sources[0].Scrapes == reads, $"read {reads} is recorded");
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await Eventually.TrueAsync(() => monitor.Current.Sources[0].Scrapes == 5, "read 5 is recorded");
        await monitor.StopAsync();

        // Assert: reads at 0, 1, 2, 3, 4 s; the failures at 0 and 1, values for seconds 1, 2 and 3.
        TargetSnapshot snapshot = monitor.Current;
        TargetSourceStats stats = snapshot.Sources.ShouldHaveSingleItem();
        (stats.Scrapes, stats.Failures, stats.Up).ShouldBe((5L, 2L, true));
        snapshot.Series.Single(s => s.Name == "stampede_demo_queue_length").Values.ShouldBe([null, 3d, 3d, 3d]);
        snapshot.Warnings.Count.ShouldBe(2);
        source.Reads.ShouldBe(5);
    }

    [Fact]
    public async Task ReadOnceAsync_WatchMatchingNothing_WarnsOnceNamingTheMapping()
    {
        SeriesMapping.TryParse("queue=my_queue_depth{pool=\"gpu\"}", out SeriesMapping? mapping, out _).ShouldBeTrue();
        var source = new ScriptedSource("app").Then("# TYPE my_queue_depth gauge\nmy_queue_depth{pool=\"cpu\"} 4\n");
        await using var monitor = new TargetMonitor([source], [mapping!], TimeSpan.FromSeconds(1), _time, new HostFacts(2, 4e9));

        for (int i = 0; i < 4; i++)
        {
            await monitor.ReadOnceAsync(0, i, CancellationToken.None);
        }

        monitor.Current.Warnings.ShouldHaveSingleItem().Message.ShouldContain("--watch queue=my_queue_depth{pool=\"gpu\"}: no source exposes my_queue_depth with those labels (scraped: app)");
    }

    [Fact]
    public async Task ReadOnceAsync_WatchedHistogramAtTheBaseRead_NoFalseNoSourceWarning()
    {
        // At the first read a histogram has no interval yet, so no p95: the mapping still matched.
        SeriesMapping.TryParse("queue=wait_seconds", out SeriesMapping? mapping, out _).ShouldBeTrue();
        const string Text = "# TYPE wait_seconds histogram\nwait_seconds_bucket{{le=\"0.1\"}} {0}\nwait_seconds_bucket{{le=\"+Inf\"}} {0}\nwait_seconds_sum 1\nwait_seconds_count {0}\n";
        var source = new ScriptedSource("app")
            .Then(string.Format(System.Globalization.CultureInfo.InvariantCulture, Text, 10))
            .Then(string.Format(System.Globalization.CultureInfo.InvariantCulture, Text, 20));
        await using var monitor = new TargetMonitor([source], [mapping!], TimeSpan.FromSeconds(1), _time, new HostFacts(2, 4e9));

        await monitor.ReadOnceAsync(0, 0, CancellationToken.None);
        await monitor.ReadOnceAsync(0, 1, CancellationToken.None);

        monitor.Current.Warnings.ShouldBeEmpty();
        TargetSeries p95 = monitor.Current.Series.ShouldHaveSingleItem();
        (p95.Kind, p95.Unit).ShouldBe(("p95", "ms"));
        p95.Values.ShouldHaveSingleItem().ShouldNotBeNull().ShouldBe(95, 1e-9);
    }

    private TargetMonitor Monitor(ScriptedSource source) =>
        new([source], [], TimeSpan.FromSeconds(1), _time, new HostFacts(localCores: 2, localMemoryBytes: 4e9));
}
