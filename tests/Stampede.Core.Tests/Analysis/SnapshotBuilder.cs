using Microsoft.Extensions.Time.Testing;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Core.Tests.Analysis;

/// <summary>
/// Builds a <see cref="StatsSnapshot"/> by recording requests through the real recorder and aggregator on
/// a fake clock, so analyses are tested against real histograms and per-second intervals.
/// </summary>
internal sealed class SnapshotBuilder
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly MetricsRecorder _recorder = new();
    private readonly MetricsAggregator _aggregator;
    private readonly long _start;
    private int _pending;

    public SnapshotBuilder()
    {
        _start = _time.GetTimestamp();
        _aggregator = new MetricsAggregator(_recorder, new GeneratorMonitor(90, () => default, 2), _time, _start);
    }

    /// <summary>Records one request of row (<paramref name="method"/>, <paramref name="name"/>) that completed at <paramref name="atSeconds"/>.</summary>
    public SnapshotBuilder Request(string name, double atSeconds, double latencyMs, bool failed = false, string method = "POST")
    {
        long end = At(atSeconds);
        long start = end - (long)Math.Round(latencyMs / 1000 * _time.TimestampFrequency);
        int error = failed ? _recorder.GetErrorId("HTTP 503 Service Unavailable") : 0;
        _recorder.Record(new RequestSample(_recorder.GetRowId(method, name), error, failed ? 503 : 200, start, start, start, end, 10, 100));

        // The recorder's ring spins when full; drain as the metrics pump would.
        if (++_pending == 4096)
        {
            _aggregator.Drain();
            _pending = 0;
        }

        return this;
    }

    /// <summary>
    /// Records <paramref name="perSecond"/> requests in each of <paramref name="seconds"/> seconds, spread
    /// evenly, with latencies from <paramref name="latencyMs"/> and the given share failing (every n-th).
    /// </summary>
    public SnapshotBuilder Steady(string name, int seconds, int perSecond, Func<int, double> latencyMs, double failureRatio = 0, string method = "POST", int fromSecond = 0)
    {
        int index = 0;
        int failEvery = failureRatio > 0 ? (int)Math.Round(1 / failureRatio) : 0;
        for (int second = fromSecond; second < fromSecond + seconds; second++)
        {
            for (int i = 0; i < perSecond; i++, index++)
            {
                bool failed = failEvery > 0 && index % failEvery == failEvery - 1;
                Request(name, second + ((i + 0.5) / perSecond), latencyMs(index), failed, method);
            }
        }

        return this;
    }

    /// <summary>Ends the run after <paramref name="durationSeconds"/>: every interval closed, whole-run histograms kept.</summary>
    public StatsSnapshot Build(double durationSeconds)
    {
        _aggregator.Complete(At(durationSeconds));
        return _aggregator.Snapshot(At(durationSeconds), includeHistograms: true);
    }

    /// <summary>A live snapshot at <paramref name="atSeconds"/>, as the metrics pump takes it: no whole-run histograms.</summary>
    public StatsSnapshot Live(double atSeconds)
    {
        _aggregator.Drain();
        _aggregator.CloseIntervals(At(atSeconds));
        return _aggregator.Snapshot(At(atSeconds));
    }

    private long At(double seconds) => _start + (long)Math.Round(seconds * _time.TimestampFrequency);
}
