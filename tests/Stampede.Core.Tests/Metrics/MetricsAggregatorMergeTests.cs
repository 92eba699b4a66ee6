using Microsoft.Extensions.Time.Testing;
using Stampede.Cluster;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Core.Tests.Metrics;

/// <summary>
/// A distributed run's merge: three agents' exported seconds merged by a coordinator give the statistics one aggregator
/// of every request gives, to the bit (histograms, percentiles, counts, sums, failures, the per-second history).
/// </summary>
public sealed class MetricsAggregatorMergeTests
{
    private const int Agents = 3;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Merge_ThreeAgentsSeconds_EqualOneAggregatorOfEveryRequest()
    {
        long start = _time.GetTimestamp();
        var single = new Side(_time, start, export: false);
        Side[] agents = [.. Enumerable.Range(0, Agents).Select(_ => new Side(_time, start, export: true))];
        var coordinator = new MetricsAggregator(new MetricsRecorder(), new ClusterHealth(90), _time, start) { MergesIntervals = true };
        var random = new Random(17);
        long[] sent = new long[Agents];
        long lastSecondSent = -1;

        for (int tick = 1; tick <= 12; tick++)
        {
            // Half a second of requests, spread over the agents at random.
            for (int i = 0; i < 400; i++)
            {
                int agent = random.Next(Agents);
                Sample sample = Sample.Random(random, tick * 0.5);
                single.Record(sample);
                agents[agent].Record(sample);
                sent[agent]++;
            }

            if (tick == 5)
            {
                single.RecordUserError();
                agents[1].RecordUserError();
            }

            _time.SetUtcNow(_time.GetUtcNow() + TimeSpan.FromSeconds(0.5));
            long now = _time.GetTimestamp();
            single.Aggregator.Drain();
            single.Aggregator.CloseIntervals(now);
            long watermark = long.MaxValue;
            foreach (Side side in agents)
            {
                side.Aggregator.Drain();
                side.Aggregator.CloseIntervals(now);
                AggregatorExport export = side.Aggregator.TakeExport();
                foreach (IntervalState state in export.Intervals)
                {
                    coordinator.Merge(state);
                    side.LastSecond = state.Second;
                }

                coordinator.MergeErrors(export.Errors);
                watermark = Math.Min(watermark, side.LastSecond + 1);
            }

            coordinator.MergeWatermark = watermark;
            coordinator.CloseIntervals(now);
            lastSecondSent = watermark - 1;
        }

        long end = start + (long)(6.3 * _time.TimestampFrequency);
        single.Aggregator.Complete(end);
        foreach (Side side in agents)
        {
            side.Aggregator.Complete(end);
            foreach (IntervalState state in side.Aggregator.TakeExport().Intervals)
            {
                coordinator.Merge(state);
            }
        }

        coordinator.MergeWatermark = long.MaxValue;
        coordinator.Complete(end);

        StatsSnapshot expected = single.Aggregator.Snapshot(end, includeHistograms: true);
        StatsSnapshot merged = coordinator.Snapshot(end, includeHistograms: true);
        lastSecondSent.ShouldBeGreaterThan(3, "seconds were merged while the run went on, not only at its end");
        sent.ShouldAllBe(n => n > 1000);
        merged.Total.Requests.ShouldBe(4800);
        SameRow(merged.Total, expected.Total);
        merged.Rows.Select(r => r.Key).ShouldBe(expected.Rows.Select(r => r.Key));
        for (int i = 0; i < expected.Rows.Count; i++)
        {
            SameRow(merged.Rows[i], expected.Rows[i]);
        }

        merged.Failures.ShouldBe(expected.Failures);
        merged.Errors.Select(e => (e.Source, e.Type, e.Message, e.Count)).ShouldBe(expected.Errors.Select(e => (e.Source, e.Type, e.Message, e.Count)));
        merged.History.Count.ShouldBe(expected.History.Count);
        for (int i = 0; i < expected.History.Count; i++)
        {
            IntervalStats a = merged.History[i];
            IntervalStats b = expected.History[i];
            a.Second.ShouldBe(b.Second);
            a.DurationSeconds.ShouldBe(b.DurationSeconds);
            a.Total.Requests.ShouldBe(b.Total.Requests);
            a.Total.Failures.ShouldBe(b.Total.Failures);
            a.Total.Percentiles.ShouldBe(b.Total.Percentiles);
            a.Total.Histogram.ShouldBe(b.Total.Histogram);
            if (a.Second >= 1)
            {
                // Second 0's lag leaves out the first second's arrivals on one machine (no second is judged on them); the
                // merged second keeps every scheduled request's lag, which the whole run's rows need.
                a.SchedulingLagP99Ms.ShouldBe(b.SchedulingLagP99Ms);
            }

            a.Rows.Select(r => (r.Key, r.Requests, Convert.ToBase64String(r.Histogram!))).ShouldBe(b.Rows.Select(r => (r.Key, r.Requests, Convert.ToBase64String(r.Histogram!))));
        }
    }

    [Fact]
    public void Merge_SecondSplitInParts_EqualsTheWholeSecond()
    {
        long start = _time.GetTimestamp();
        var agent = new Side(_time, start, export: true);
        var random = new Random(5);
        for (int i = 0; i < 300; i++)
        {
            Sample sample = Sample.Random(random, 0.9);
            agent.Record(sample with { Name = $"/row-{i % 7}" });
        }

        _time.SetUtcNow(_time.GetUtcNow() + TimeSpan.FromSeconds(2));
        agent.Aggregator.Drain();
        agent.Aggregator.CloseIntervals(_time.GetTimestamp());
        IntervalState second = agent.Aggregator.TakeExport().Intervals[0];
        var whole = new MetricsAggregator(new MetricsRecorder(), new ClusterHealth(90), _time, start) { MergesIntervals = true };
        var parted = new MetricsAggregator(new MetricsRecorder(), new ClusterHealth(90), _time, start) { MergesIntervals = true };

        IReadOnlyList<IntervalState> parts = second.Split(2);
        whole.Merge(second);
        foreach (IntervalState part in parts)
        {
            parted.Merge(part);
        }

        long end = _time.GetTimestamp();
        whole.Complete(end);
        parted.Complete(end);
        parts.Count.ShouldBe(4, "7 rows, 2 a part");
        parts.Select(p => p.MoreParts).ShouldBe([true, true, true, false]);
        StatsSnapshot a = parted.Snapshot(end, includeHistograms: true);
        StatsSnapshot b = whole.Snapshot(end, includeHistograms: true);
        SameRow(a.Total, b.Total);
        a.Rows.Count.ShouldBe(7);
        for (int i = 0; i < a.Rows.Count; i++)
        {
            SameRow(a.Rows[i], b.Rows[i]);
        }

        a.Failures.ShouldBe(b.Failures);
        a.History.Select(h => (h.Second, h.Users, h.Total.Requests)).ShouldBe(b.History.Select(h => (h.Second, h.Users, h.Total.Requests)));
    }

    [Fact]
    public void Merge_AgentsSecondComingLate_LandsInItsOwnSecondNotTheArrivals()
    {
        long start = _time.GetTimestamp();
        var fast = new Side(_time, start, export: true);
        var slow = new Side(_time, start, export: true);
        var coordinator = new MetricsAggregator(new MetricsRecorder(), new ClusterHealth(90), _time, start) { MergesIntervals = true };
        var random = new Random(9);
        for (int i = 0; i < 40; i++)
        {
            fast.Record(Sample.Random(random, 1.0 + (i % 4)) with { Error = null });
            slow.Record(Sample.Random(random, 1.0 + (i % 4)) with { Error = null });
        }

        _time.SetUtcNow(_time.GetUtcNow() + TimeSpan.FromSeconds(4.5));
        long now = _time.GetTimestamp();
        foreach (Side side in new[] { fast, slow })
        {
            side.Aggregator.Drain();
            side.Aggregator.CloseIntervals(now);
        }

        IReadOnlyList<IntervalState> fastSeconds = fast.Aggregator.TakeExport().Intervals;
        IReadOnlyList<IntervalState> slowSeconds = slow.Aggregator.TakeExport().Intervals;

        // The fast agent sends seconds 0 to 3 at once; the slow one only its second 0: seconds 1 to 3 wait for it.
        foreach (IntervalState second in fastSeconds)
        {
            coordinator.Merge(second);
        }

        coordinator.Merge(slowSeconds[0]);
        coordinator.MergeWatermark = 1;
        coordinator.CloseIntervals(now);
        coordinator.Snapshot(now).History.Count.ShouldBe(1, "only the second every agent sent closes");

        // Three seconds late, the slow agent's second 1 still lands in second 1.
        _time.SetUtcNow(_time.GetUtcNow() + TimeSpan.FromSeconds(3));
        coordinator.Merge(slowSeconds[1]);
        coordinator.MergeWatermark = 2;
        coordinator.CloseIntervals(_time.GetTimestamp());

        IReadOnlyList<IntervalStats> history = coordinator.Snapshot(_time.GetTimestamp()).History;
        history.Count.ShouldBe(2);
        history[1].Second.ShouldBe(1);
        history[1].Total.Requests.ShouldBe(fastSeconds[1].Total.Count + slowSeconds[1].Total.Count);
    }

    private static void SameRow(RowStats merged, RowStats expected)
    {
        merged.Requests.ShouldBe(expected.Requests);
        merged.Failures.ShouldBe(expected.Failures);
        merged.MinMs.ShouldBe(expected.MinMs);
        merged.MaxMs.ShouldBe(expected.MaxMs);
        merged.AverageMs.ShouldBe(expected.AverageMs);
        merged.Percentiles.ShouldBe(expected.Percentiles);
        merged.TimeToFirstBytePercentiles.ShouldBe(expected.TimeToFirstBytePercentiles);
        merged.AverageTimeToFirstByteMs.ShouldBe(expected.AverageTimeToFirstByteMs);
        merged.ServiceTimePercentiles.ShouldBe(expected.ServiceTimePercentiles);
        merged.AverageServiceTimeMs.ShouldBe(expected.AverageServiceTimeMs);
        merged.SchedulingLagPercentiles.ShouldBe(expected.SchedulingLagPercentiles);
        merged.ScheduledRequests.ShouldBe(expected.ScheduledRequests);
        merged.BytesSent.ShouldBe(expected.BytesSent);
        merged.BytesReceived.ShouldBe(expected.BytesReceived);
        merged.Histogram.ShouldNotBeNull();
        merged.Histogram.ShouldBe(expected.Histogram, "the merged histogram is the one histogram of every request, byte for byte");
    }

    /// <summary>One request, in seconds from the start.</summary>
    private sealed record Sample(string Name, string? Error, double IntendedStart, double Start, double FirstByte, double End, bool Scheduled, long Sent, long Received)
    {
        public static Sample Random(Random random, double before)
        {
            double end = before - (random.NextDouble() * 0.5);
            double latency = Math.Exp(random.NextDouble() * 6) / 1000; // 1 ms to 400 ms
            bool scheduled = random.Next(3) == 0;
            double lag = scheduled ? random.NextDouble() * 0.004 : 0;
            double start = Math.Max(0, end - latency);
            double intended = Math.Max(0, start - lag);
            return new Sample(
                random.Next(10) < 7 ? "/small" : "/large",
                random.Next(20) == 0 ? "HTTP 503 Service Unavailable" : null,
                intended,
                start,
                start + ((end - start) * random.NextDouble()),
                end,
                scheduled,
                random.Next(100, 2000),
                random.Next(10, 500));
        }
    }

    private sealed class Side(FakeTimeProvider time, long start, bool export)
    {
        private readonly MetricsRecorder _recorder = new();

        public MetricsAggregator Aggregator { get; } = new(new MetricsRecorder(), new GeneratorMonitor(90, () => default, 2), time, start) { ExportsIntervals = export };

        public long LastSecond { get; set; } = -1;

        public void Record(Sample sample)
        {
            MetricsRecorder recorder = Aggregator.Recorder;
            int row = recorder.GetRowId("POST", sample.Name);
            int error = sample.Error is null ? 0 : recorder.GetErrorId(sample.Error);
            recorder.Record(new RequestSample(
                row,
                error,
                error == 0 ? 200 : 503,
                At(sample.IntendedStart),
                At(sample.Start),
                At(sample.FirstByte),
                At(sample.End),
                sample.Sent,
                sample.Received,
                sample.Scheduled));
        }

        public void RecordUserError() => Aggregator.Recorder.RecordUserError("PredictUser.Small", new InvalidOperationException("no model loaded"));

        private long At(double seconds) => start + (long)Math.Round(seconds * time.TimestampFrequency);
    }
}
