using Microsoft.Extensions.Time.Testing;
using Stampede.Analysis;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Core.Tests.Analysis;

public sealed class RunValidityTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly MetricsRecorder _recorder = new();
    private readonly long _start;
    private readonly MetricsAggregator _aggregator;
    private readonly GeneratorMonitor _monitor;
    private double _cpu;

    public RunValidityTests()
    {
        _start = _time.GetTimestamp();
        _monitor = new GeneratorMonitor(90, () => new ProcessReading(TimeSpan.FromSeconds(_cpu), TimeSpan.Zero, 0, 0, 0, 0, 1), 1);
        _aggregator = new MetricsAggregator(_recorder, _monitor, _time, _start);
    }

    [Theory]
    [InlineData(90, 64)]
    [InlineData(99, 662)]
    [InlineData(50, 11)]
    [InlineData(95, 130)]
    [InlineData(99.9, 6636)]
    public void MinimumSamples_MatchesLoadGensBinomialBound(double percentile, long expected)
    {
        Sampling.MinimumSamples(percentile).ShouldBe(expected);
        Sampling.HasEnough(expected, percentile).ShouldBeTrue();
        Sampling.HasEnough(expected - 1, percentile).ShouldBeFalse();
    }

    [Fact]
    public void Judge_EnoughSamplesAndOnSchedule_IsValid()
    {
        Record(count: 700, seconds: 10);

        RunValidity validity = RunValidity.Judge(Finish(10));

        validity.IsValid.ShouldBeTrue(validity.ToString());
        validity.ToString().ShouldBe("VALID");
    }

    [Fact]
    public void Judge_TooFewSamplesForP99_IsValidWithAnIndicativeNote()
    {
        Record(count: 500, seconds: 10);

        RunValidity validity = RunValidity.Judge(Finish(10));

        validity.IsValid.ShouldBeTrue();
        validity.Reasons.ShouldBeEmpty();
        validity.Notes.ShouldContain(n => n.Contains("row GET /a has 500 samples") && n.Contains("p99 needs 662"));
        validity.ToString().ShouldStartWith("VALID (indicative: ");
    }

    [Fact]
    public void Judge_TooFewSamplesForP99Strict_IsInvalidNamingTheRowAndTheMinimum()
    {
        Record(count: 500, seconds: 10);

        RunValidity validity = RunValidity.Judge(Finish(10), strict: true);

        validity.IsValid.ShouldBeFalse();
        validity.Reasons.ShouldContain(r => r.Contains("row GET /a has 500 samples") && r.Contains("p99 needs 662"));
        validity.ToString().ShouldStartWith("INVALID: ");
    }

    [Fact]
    public void Judge_ShorterThanMinDuration_IsInvalid()
    {
        Record(count: 700, seconds: 10);

        RunValidity validity = RunValidity.Judge(Finish(10), minDuration: TimeSpan.FromMinutes(10));

        validity.Reasons.ShouldHaveSingleItem().ShouldBe("ran 10 s, shorter than --min-duration 600 s");
    }

    [Fact]
    public void Judge_AchievedBelowNinetyNinePercentOfTheSchedule_IsInvalid()
    {
        Record(count: 700, seconds: 10);
        var counters = new ArrivalCounters(t => t * 100, _ => 100, maxUsers: 5);
        for (int i = 0; i < 1000; i++)
        {
            counters.Arrived(i / 100, dropped: i % 50 == 0);
            if (i % 50 != 0)
            {
                counters.IterationStarted();
            }
        }

        _aggregator.Arrivals = counters;
        RunValidity validity = RunValidity.Judge(Finish(10));

        validity.Reasons.ShouldHaveSingleItem().ShouldBe("achieved 98 iterations/s, 98% of the scheduled 100/s (below 99%): 20 dropped, 0 not started by the end");
    }

    [Fact]
    public void Judge_GeneratorCpuAboveThreshold_IsInvalidSayingFromWhen()
    {
        Record(count: 700, seconds: 10);
        for (int second = 1; second <= 10; second++)
        {
            // One core: 50% CPU, then 95% from the sixth second on.
            _cpu += second >= 6 ? 0.95 : 0.5;
            _time.Advance(TimeSpan.FromSeconds(1));
            _aggregator.CloseIntervals(_time.GetTimestamp());
            _monitor.Sample(TimeSpan.FromSeconds(second), second);
        }

        RunValidity validity = RunValidity.Judge(FinishNow());

        validity.Reasons.ShouldHaveSingleItem().ShouldStartWith("the generator was bound for 5 s from second 6 (CPU above 90%)");
    }

    private void Record(int count, double seconds)
    {
        int row = _recorder.GetRowId("GET", "/a");
        for (int i = 0; i < count; i++)
        {
            long end = _start + (long)((i + 0.5) * seconds / count * _time.TimestampFrequency);
            long start = end - (_time.TimestampFrequency / 100);
            _recorder.Record(new RequestSample(row, 0, 200, start, start, start, end, 0, 0));
        }

        _aggregator.Drain();
    }

    private StatsSnapshot Finish(double seconds)
    {
        long end = _start + (long)(seconds * _time.TimestampFrequency);
        _aggregator.Complete(end);
        return _aggregator.Snapshot(end, includeHistograms: true);
    }

    private StatsSnapshot FinishNow()
    {
        long end = _time.GetTimestamp();
        _aggregator.Complete(end);
        return _aggregator.Snapshot(end, includeHistograms: true);
    }
}
