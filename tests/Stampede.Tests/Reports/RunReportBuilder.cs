using Microsoft.Extensions.Time.Testing;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary>
/// Builds a <see cref="RunReport"/> by recording samples through the real recorder and aggregator on a
/// fake clock, so reports are tested against real histograms with known values.
/// </summary>
internal sealed class RunReportBuilder
{
    public static readonly DateTimeOffset StartedAt = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(StartedAt);
    private readonly MetricsRecorder _recorder = new();
    private readonly GeneratorMonitor _monitor;
    private readonly MetricsAggregator _aggregator;
    private readonly long _start;
    private TimeSpan _cpu;

    public RunReportBuilder()
    {
        _monitor = new GeneratorMonitor(thresholdPercent: 90, read: () => new ProcessReading(_cpu, TimeSpan.Zero, 0, 0, 0, 0, 1), processorCount: 4);
        _start = _time.GetTimestamp();
        _aggregator = new MetricsAggregator(_recorder, _monitor, _time, _start);
    }

    /// <summary>Measures goodput against <paramref name="bounds"/> (<c>--goodput</c>) for the streams recorded after it.</summary>
    public RunReportBuilder WithGoodput(string bounds)
    {
        _aggregator.Goodput = Stampede.Llm.GoodputBounds.Parse(bounds);
        return this;
    }

    /// <summary>Sets the users the next closed intervals report.</summary>
    public RunReportBuilder WithUsers(int users)
    {
        _aggregator.Users = users;
        return this;
    }

    /// <summary>Records one request that completed <paramref name="completedAfter"/> into the run and took <paramref name="latency"/>.</summary>
    public RunReportBuilder Request(
        string method,
        string name,
        TimeSpan completedAfter,
        TimeSpan latency,
        string? error = null,
        long bytesSent = 0,
        long bytesReceived = 0)
    {
        long end = _start + Ticks(completedAfter);
        long start = end - Ticks(latency);
        int errorId = error is null ? 0 : _recorder.GetErrorId(error);
        var sample = new RequestSample(
            _recorder.GetRowId(method, name),
            errorId,
            statusCode: error is null ? 200 : 503,
            intendedStart: start,
            start: start,
            firstByte: start + (Ticks(latency) / 2),
            end: end,
            bytesSent,
            bytesReceived);
        _recorder.Record(in sample);
        return this;
    }

    /// <summary>
    /// Records one streamed LLM completion sent at <paramref name="sentAfter"/>: its first token after <paramref name="ttft"/>,
    /// then <paramref name="tokens"/> − 1 more <paramref name="itl"/> apart, ending with the last; usage reported as given.
    /// </summary>
    public RunReportBuilder LlmStream(string name, TimeSpan sentAfter, TimeSpan ttft, TimeSpan itl, int tokens, int? inputTokens = 20)
    {
        long start = _start + Ticks(sentAfter);
        long[] events = [.. Enumerable.Range(0, tokens).Select(i => start + Ticks(ttft) + (i * Ticks(itl)))];
        int row = _recorder.GetRowId("POST", name);
        _recorder.Record(new RequestSample(row, 0, 200, start, start, events[0], events[^1], 100, 50L * tokens));
        _recorder.RecordLlm(new LlmSample
        {
            RowId = row,
            IntendedStart = start,
            End = events[^1],
            ContentTimestamps = events,
            OutputTokens = tokens,
            TokensFromUsage = inputTokens is not null,
            InputTokens = inputTokens,
        });
        return this;
    }

    /// <summary>Records an exception thrown by user code, with a real stack trace.</summary>
    public RunReportBuilder UserError(string source, string message)
    {
        try
        {
            throw new InvalidOperationException(message);
        }
        catch (InvalidOperationException e)
        {
            _recorder.RecordUserError(source, e);
        }

        return this;
    }

    /// <summary>Samples the generator's CPU at the end of <paramref name="second"/> as <paramref name="percent"/> of the 4 cores.</summary>
    public RunReportBuilder Cpu(long second, double percent)
    {
        _cpu += TimeSpan.FromSeconds(4 * percent / 100);
        _monitor.Sample(TimeSpan.FromSeconds(second), second);
        return this;
    }

    /// <summary>Ends the run after <paramref name="duration"/> and builds its report.</summary>
    public RunReport Build(TimeSpan duration, int exitCode = 0)
    {
        long end = _start + Ticks(duration);
        _aggregator.Complete(end);
        StatsSnapshot stats = _aggregator.Snapshot(end, includeHistograms: true);
        return new RunReport
        {
            Result = new RunResult
            {
                Stats = stats,
                StopReason = StopReason.RunTimeElapsed,
                Seed = 1234,
                EndedAt = StartedAt + duration,
                Validity = Stampede.Analysis.RunValidity.Judge(stats),
                UserClasses =
                [
                    new UserClassSummary("ShopUser", 3, 0, [new TaskSummary("ShopUser.Browse", 2, ["read"]), new TaskSummary("ShopUser.Buy", 1, [])]),
                ],
            },
            Settings = new RunSettingsSummary
            {
                Host = "http://localhost:5000",
                Users = 10,
                SpawnRate = 2.5,
                RunTimeSeconds = duration.TotalSeconds,
                StopTimeoutSeconds = 0,
                RequestTimeoutSeconds = 60,
                Tags = ["read"],
                Arguments = ["--users", "10"],
            },
            ExitCode = exitCode,
            ToolVersion = "0.1.0-test",
        };
    }

    private long Ticks(TimeSpan span) => (long)Math.Round(span.TotalSeconds * _time.TimestampFrequency);
}
