using Microsoft.Extensions.Time.Testing;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Core.Tests.Metrics;

/// <summary>The users of a history interval are those at its end: what the live view showed at that moment, not a second later.</summary>
public sealed class MetricsAggregatorUsersTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly MetricsAggregator _aggregator;
    private readonly long _start;

    public MetricsAggregatorUsersTests()
    {
        _start = _time.GetTimestamp();
        _aggregator = new MetricsAggregator(new MetricsRecorder(), new GeneratorMonitor(90, () => default, 2), _time, _start);
    }

    [Fact]
    public void CloseIntervals_RampingUsers_EachSecondKeepsTheUsersTheLiveViewShowedAtItsEnd()
    {
        // The pump's once-a-second tick, as LoadTest runs it: close what is complete, then take the live snapshot.
        var live = new Dictionary<long, int>();
        for (int second = 1; second <= 5; second++)
        {
            _aggregator.Users = second * 10;
            long now = At(second + 0.02);
            _aggregator.CloseIntervals(now);
            live[second] = _aggregator.Snapshot(now).Users;
        }

        StatsSnapshot snapshot = _aggregator.Snapshot(At(5.02));

        // Second s ends at s + 1, where the live view showed (s + 1) · 10 users.
        snapshot.History.Count.ShouldBe(4);
        snapshot.History.Select(i => i.Users).ShouldBe([.. snapshot.History.Select(i => live[i.Second + 1])]);
        snapshot.History.Select(i => i.Users).ShouldBe([10, 20, 30, 40]);
    }

    [Fact]
    public void Complete_SecondsNotSeenEnding_TakeTheUsersAtTheEnd()
    {
        _aggregator.Users = 4;
        _aggregator.CloseIntervals(At(1.02));
        _aggregator.Users = 0;

        _aggregator.Complete(At(2.5));
        StatsSnapshot snapshot = _aggregator.Snapshot(At(2.5));

        snapshot.History.Select(i => i.Users).ShouldBe([4, 0, 0]);
    }

    private long At(double seconds) => _start + (long)(seconds * _time.TimestampFrequency);
}
