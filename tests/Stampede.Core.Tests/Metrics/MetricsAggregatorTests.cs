using Microsoft.Extensions.Time.Testing;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Core.Tests.Metrics;

public sealed class MetricsAggregatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly MetricsRecorder _recorder = new();
    private readonly MetricsAggregator _aggregator;
    private readonly long _start;

    public MetricsAggregatorTests()
    {
        _start = _time.GetTimestamp();
        _aggregator = new MetricsAggregator(_recorder, new GeneratorMonitor(90, () => default, 2), _time, _start);
    }

    [Fact]
    public void Snapshot_UniformOneToThousandMs_PercentilesWithinHdrPrecision()
    {
        int row = _recorder.GetRowId("GET", "/uniform");
        for (int ms = 1; ms <= 1000; ms++)
        {
            Record(row, endAtSeconds: 0.5, latencyMs: ms);
        }

        _aggregator.Drain();
        RowStats stats = _aggregator.Snapshot(At(1)).Rows.Single();

        stats.Requests.ShouldBe(1000);
        stats.MinMs.ShouldBe(1);
        stats.MaxMs.ShouldBe(1000);
        stats.AverageMs.ShouldBe(500.5);
        foreach (double p in new[] { 50, 66, 75, 80, 90, 95, 98, 99 })
        {
            // The true p-th percentile of 1..1000 ms is 10·p ms; HdrHistogram at 3 digits is within 0.1%.
            stats.GetPercentile(p).ShouldBe(p * 10, p * 10 * 0.001, $"p{p}");
        }

        stats.GetPercentile(100).ShouldBe(1000);
        stats.MedianMs.ShouldBe(stats.GetPercentile(50));
    }

    [Fact]
    public void Snapshot_SubMillisecondLatency_KeepsMicrosecondPrecision()
    {
        int row = _recorder.GetRowId("GET", "/fast");
        Record(row, endAtSeconds: 0.1, latencyMs: 0.412);
        Record(row, endAtSeconds: 0.2, latencyMs: 0.413);

        _aggregator.Drain();
        RowStats stats = _aggregator.Snapshot(At(1)).Rows.Single();

        stats.MinMs.ShouldBe(0.412);
        stats.MaxMs.ShouldBe(0.413);
        stats.MedianMs.ShouldBe(0.412);
        stats.GetPercentile(99).ShouldBe(0.413);
    }

    [Fact]
    public void Snapshot_PercentilesNeverExceedTheExactMaximum()
    {
        int row = _recorder.GetRowId("GET", "/one");
        Record(row, endAtSeconds: 0.1, latencyMs: 123.456);

        _aggregator.Drain();
        RowStats stats = _aggregator.Snapshot(At(1)).Rows.Single();

        stats.Percentiles.ShouldAllBe(p => p.ValueMs == 123.456);
    }

    [Fact]
    public void CloseIntervals_SamplesFileUnderTheSecondTheyCompleted()
    {
        int row = _recorder.GetRowId("GET", "/a");
        Record(row, endAtSeconds: 0.2, latencyMs: 10);
        Record(row, endAtSeconds: 1.7, latencyMs: 20);
        Record(row, endAtSeconds: 1.9, latencyMs: 30);
        _aggregator.Users = 7;

        _aggregator.Drain();
        _aggregator.CloseIntervals(At(2.0)); // second 1 is still within its grace period
        _aggregator.Snapshot(At(2.0)).History.Count.ShouldBe(1);
        _aggregator.CloseIntervals(At(2.3));
        StatsSnapshot snapshot = _aggregator.Snapshot(At(2.3));

        snapshot.History.Select(i => i.Total.Requests).ShouldBe([1L, 2L]);
        snapshot.History[1].Total.RequestsPerSecond.ShouldBe(2);
        snapshot.History[1].Total.MaxMs.ShouldBe(30);
        snapshot.History[1].Users.ShouldBe(7);
        snapshot.History[1].Start.ShouldBe(snapshot.StartedAt.AddSeconds(1));
        snapshot.History[1].Rows.Single().Histogram.ShouldNotBeNull();
    }

    [Fact]
    public void CloseIntervals_QuietSeconds_StillAppearWithZeroRequests()
    {
        _aggregator.CloseIntervals(At(3.5));

        _aggregator.Snapshot(At(3.5)).History.Select(i => i.Total.Requests).ShouldBe([0L, 0L, 0L]);
    }

    [Fact]
    public void Complete_PartialLastSecond_DividesByItsRealLength()
    {
        int row = _recorder.GetRowId("GET", "/a");
        Record(row, endAtSeconds: 1.1, latencyMs: 5);
        Record(row, endAtSeconds: 1.2, latencyMs: 5);

        _aggregator.Complete(At(1.5));
        StatsSnapshot snapshot = _aggregator.Snapshot(At(1.5));

        snapshot.History.Count.ShouldBe(2);
        snapshot.History[1].DurationSeconds.ShouldBe(0.5, 1e-9);
        snapshot.History[1].Total.RequestsPerSecond.ShouldBe(4, 1e-9);
        snapshot.Total.RequestsPerSecond.ShouldBe(2 / 1.5, 1e-9);
    }

    [Fact]
    public void Snapshot_Failures_GroupedByRowAndReason()
    {
        int predict = _recorder.GetRowId("POST", "predict");
        int health = _recorder.GetRowId("GET", "health");
        int busy = _recorder.GetErrorId("HTTP 503 Service Unavailable");
        int refused = _recorder.GetErrorId("ConnectionRefused: the server refused the connection");
        Record(predict, 0.1, 1, busy);
        Record(predict, 0.2, 1, busy);
        Record(predict, 0.3, 1, refused);
        Record(health, 0.4, 1, busy);
        Record(health, 0.5, 1);

        _aggregator.Drain();
        StatsSnapshot snapshot = _aggregator.Snapshot(At(1));

        snapshot.Failures[0].ShouldBe(new FailureStats("POST", "predict", "HTTP 503 Service Unavailable", 2));
        snapshot.Failures.Count.ShouldBe(3);
        snapshot.Total.Failures.ShouldBe(4);
        snapshot.Rows.Single(r => r.Key.Name == "health").Failures.ShouldBe(1);
    }

    [Fact]
    public void Snapshot_CurrentRate_CoversTheLastTenCompleteSeconds()
    {
        int row = _recorder.GetRowId("GET", "/a");
        for (int second = 0; second < 20; second++)
        {
            int perSecond = second < 10 ? 100 : 10;
            for (int i = 0; i < perSecond; i++)
            {
                Record(row, second + ((i + 0.5) / perSecond), 1);
            }
        }

        _aggregator.Drain();
        _aggregator.CloseIntervals(At(20.5));
        StatsSnapshot snapshot = _aggregator.Snapshot(At(20.5));

        snapshot.Total.CurrentRequestsPerSecond.ShouldBe(10, 1e-9);
        snapshot.Rows[0].CurrentRequestsPerSecond.ShouldBe(10, 1e-9);
        snapshot.Total.RequestsPerSecond.ShouldBe(1100 / 20.5, 1e-9);
    }

    [Fact]
    public void Drain_UserErrors_GroupedWithFirstStackTrace()
    {
        _recorder.RecordUserError("PredictUser.Small", new InvalidOperationException("boom"));
        _recorder.RecordUserError("PredictUser.Small", new InvalidOperationException("boom"));

        _aggregator.Drain();
        UserErrorStats error = _aggregator.Snapshot(At(1)).Errors.Single();

        error.ShouldBe(error with { Source = "PredictUser.Small", Type = nameof(InvalidOperationException), Message = "boom", Count = 2 });
    }

    [Fact]
    public void HistogramCodec_EncodedRow_DecodesToTheSameCounts()
    {
        int row = _recorder.GetRowId("GET", "/a");
        for (int i = 1; i <= 500; i++)
        {
            Record(row, 0.5, i * 0.1);
        }

        _aggregator.Complete(At(1));
        RowStats stats = _aggregator.Snapshot(At(1), includeHistograms: true).Rows.Single();

        var decoded = HistogramCodec.Decode(stats.Histogram!);
        decoded.TotalCount.ShouldBe(500);
        (decoded.GetValueAtPercentile(50) / 1000.0).ShouldBe(stats.MedianMs, 0.001);
    }

    [Fact]
    public void Snapshot_ScheduledSampleSentLate_SplitsLatencyIntoServiceTimeAndLag()
    {
        int row = _recorder.GetRowId("GET", "/late");

        // Due at 0.100 s, sent at 0.130 s, done at 0.150 s: 50 ms from the intended start, 20 ms of service, 30 ms of lag.
        _recorder.Record(new RequestSample(row, 0, 200, At(0.100), At(0.130), At(0.140), At(0.150), 0, 10, scheduled: true));
        _aggregator.Drain();
        StatsSnapshot snapshot = _aggregator.Snapshot(At(1));

        RowStats stats = snapshot.Rows.Single();
        stats.GetPercentile(99).ShouldBe(50, 0.05);
        stats.AverageMs.ShouldBe(50);
        stats.GetServiceTimePercentile(99).ShouldBe(20, 0.02);
        stats.AverageServiceTimeMs.ShouldBe(20);
        snapshot.Total.GetSchedulingLagPercentile(99).ShouldBe(30, 0.03);
        snapshot.Total.ScheduledRequests.ShouldBe(1);
    }

    [Fact]
    public void Snapshot_UnscheduledSamples_KeepNoLagAndEqualServiceTime()
    {
        int row = _recorder.GetRowId("GET", "/closed");
        Record(row, endAtSeconds: 0.5, latencyMs: 12);
        _aggregator.Drain();

        StatsSnapshot snapshot = _aggregator.Snapshot(At(1));

        snapshot.Total.SchedulingLagPercentiles.ShouldBeEmpty();
        snapshot.Total.GetSchedulingLagPercentile(99).ShouldBe(0);
        snapshot.Rows[0].GetServiceTimePercentile(99).ShouldBe(snapshot.Rows[0].GetPercentile(99));
    }

    [Fact]
    public void CloseIntervals_ThousandArrivalsASecond_LagP99AboveFiveMs_MarksTheSecondGeneratorBound()
    {
        int row = _recorder.GetRowId("GET", "/x");
        for (int i = 0; i < 1000; i++)
        {
            // Second 0: sent on time. Second 1: 20 of its 1,000 requests (2%) sent 8 ms late.
            double due = 0.0005 + (i * 0.0009);
            double late = i % 50 == 0 ? 0.008 : 0;
            _recorder.Record(new RequestSample(row, 0, 200, At(due), At(due), At(due), At(due + 0.002), 0, 0, scheduled: true));
            _recorder.Record(new RequestSample(row, 0, 200, At(1 + due), At(1 + due + late), At(1 + due + late), At(1 + due + late + 0.002), 0, 0, scheduled: true));
        }

        _aggregator.Drain();
        _aggregator.CloseIntervals(At(2.5));
        StatsSnapshot snapshot = _aggregator.Snapshot(At(2.5));

        snapshot.History.Select(i => i.GeneratorBound).ShouldBe([false, true]);
        snapshot.History[1].SchedulingLagP99Ms!.Value.ShouldBe(8, 0.01);
        snapshot.Generator.BoundSinceSecond.ShouldBe(1);
        snapshot.Generator.BoundReasons.ShouldBe(["scheduling lag p99 above 5 ms"]);
        snapshot.Generator.Warnings.ShouldHaveSingleItem().Message.ShouldContain("fell behind its schedule");
    }

    [Theory]
    [InlineData(2, false)] // two late starts among 80 make that second's "p99": a hiccup, not a generator behind
    [InlineData(12, true)] // 15% late: its p90 is late
    public void CloseIntervals_EightyArrivalsASecond_JudgedOnTheirP90Lag(int lateArrivals, bool bound)
    {
        int row = _recorder.GetRowId("GET", "/x");
        for (int i = 0; i < 80; i++)
        {
            // Second 0 on time; in second 1 the first lateArrivals requests are sent 9 ms late.
            double due = 0.001 + (i * 0.0125);
            double late = i < lateArrivals ? 0.009 : 0;
            _recorder.Record(new RequestSample(row, 0, 200, At(due), At(due), At(due), At(due + 0.002), 0, 0, scheduled: true));
            _recorder.Record(new RequestSample(row, 0, 200, At(1 + due), At(1 + due + late), At(1 + due + late), At(1 + due + late + 0.002), 0, 0, scheduled: true));
        }

        _aggregator.Drain();
        _aggregator.CloseIntervals(At(2.5));
        StatsSnapshot snapshot = _aggregator.Snapshot(At(2.5));

        snapshot.History[1].SchedulingLagP99Ms!.Value.ShouldBe(9, 0.01);
        snapshot.History.Select(i => i.GeneratorBound).ShouldBe([false, bound]);
        snapshot.Generator.BoundReasons.ShouldBe(bound ? ["scheduling lag p90 above 5 ms"] : []);
    }

    [Fact]
    public void CloseIntervals_FewArrivalsASecond_JudgedOnTheirMedianLag()
    {
        // Two arrivals a second (fewer than the 11 a median needs). Second 0, the run's first: both late (its first
        // iterations compile their code). Second 1: one 18 ms late, one on time. Second 2: both 8 ms late.
        int row = _recorder.GetRowId("POST", "chat");
        (double Due, double LateMs)[] arrivals = [(0.001, 40), (0.501, 9), (1.001, 18), (1.501, 0.1), (2.001, 8), (2.501, 8)];
        foreach ((double due, double late) in arrivals)
        {
            double sent = due + (late / 1000);
            _recorder.Record(new RequestSample(row, 0, 200, At(due), At(sent), At(sent), At(sent + 0.2), 0, 0, scheduled: true));
        }

        _aggregator.Drain();
        _aggregator.CloseIntervals(At(3.5));
        StatsSnapshot snapshot = _aggregator.Snapshot(At(3.5));

        // Second 1's "p99" is its one late start: not a generator that cannot keep two arrivals a second.
        snapshot.History[0].SchedulingLagP99Ms.ShouldBeNull(); // the run's first second's arrivals: in the run's lag only
        snapshot.History[1].SchedulingLagP99Ms!.Value.ShouldBe(18, 0.02);
        snapshot.History.Select(i => i.GeneratorBound).ShouldBe([false, false, true]);
        snapshot.Generator.BoundReasons.ShouldBe(["scheduling lag p50 above 5 ms"]);
        snapshot.Generator.Warnings.ShouldHaveSingleItem().Message.ShouldContain("late (p50)");
    }

    [Fact]
    public void CloseIntervals_ArrivalOfTheFirstSecondCompletingLater_IsNotJudgedOnItsLag()
    {
        // Long streams: the run's first arrival (due at 0.5 s, sent 30 ms late while its code compiled) completes in
        // second 1; an arrival due in second 1, sent as late, completes in second 2.
        int row = _recorder.GetRowId("POST", "chat");
        _recorder.Record(new RequestSample(row, 0, 200, At(0.5), At(0.53), At(0.8), At(1.6), 0, 0, scheduled: true));
        _recorder.Record(new RequestSample(row, 0, 200, At(1.2), At(1.23), At(1.5), At(2.5), 0, 0, scheduled: true));

        _aggregator.Drain();
        _aggregator.CloseIntervals(At(3.5));
        StatsSnapshot snapshot = _aggregator.Snapshot(At(3.5));

        snapshot.History.Select(i => i.GeneratorBound).ShouldBe([false, false, true]);
        snapshot.History[1].SchedulingLagP99Ms.ShouldBeNull("the first second's arrival is left out of second 1's lag");
        snapshot.Total.GetSchedulingLagPercentile(100).ShouldBe(30, 0.05); // the run's lag keeps it
    }

    [Fact]
    public void Complete_LateRequestsInTheSliverAfterTheEnd_AreNotJudgedBound()
    {
        int row = _recorder.GetRowId("GET", "/x");
        for (int i = 0; i < 100; i++)
        {
            // Second 1 (second 0's arrivals are never judged on their lag: see the test above).
            double due = 1.001 + (i * 0.009);
            _recorder.Record(new RequestSample(row, 0, 200, At(due), At(due), At(due), At(due + 0.002), 0, 0, scheduled: true));
        }

        // Two requests due just before the end, sent 7 ms late, answered after it: the run's last interval
        // is a sliver of them alone, whose "p99" is one request's lag, not a second's worth of schedule.
        for (int i = 0; i < 2; i++)
        {
            _recorder.Record(new RequestSample(row, 0, 200, At(1.995), At(2.002), At(2.002), At(2.0025 + (i * 0.0001)), 0, 0, scheduled: true));
        }

        _aggregator.Complete(At(2.0));
        StatsSnapshot snapshot = _aggregator.Snapshot(At(2.0));

        snapshot.History.Count.ShouldBe(3);
        snapshot.History[2].SchedulingLagP99Ms!.Value.ShouldBe(7, 0.01);
        snapshot.History.Select(i => i.GeneratorBound).ShouldBe([false, false, false]);
        snapshot.Generator.BoundSinceSecond.ShouldBeNull();
    }

    private long At(double seconds) => _start + (long)(seconds * _time.TimestampFrequency);

    private void Record(int row, double endAtSeconds, double latencyMs, int errorId = 0)
    {
        long end = At(endAtSeconds);
        long start = end - (long)Math.Round(latencyMs / 1000 * _time.TimestampFrequency);
        _recorder.Record(new RequestSample(row, errorId, errorId == 0 ? 200 : 503, start, start, start, end, 10, 100));
    }
}
