using Microsoft.Extensions.Time.Testing;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Core.Tests.Metrics;

/// <summary>LLM statistics from streams whose event times are known exactly.</summary>
public sealed class MetricsAggregatorLlmTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
    private readonly MetricsRecorder _recorder = new();
    private readonly MetricsAggregator _aggregator;
    private readonly long _start;

    public MetricsAggregatorLlmTests()
    {
        _start = _time.GetTimestamp();
        _aggregator = new MetricsAggregator(_recorder, new GeneratorMonitor(90, () => default, 2), _time, _start);
    }

    [Fact]
    public void Snapshot_StreamsOfKnownTiming_TtftItlTpotE2eAndTokensExact()
    {
        // Ten streams, each sent at 0.1·i s: TTFT 100 + 10·i ms, then 4 more tokens 20 ms apart, usage of 5 output and 30 prompt tokens.
        int row = _recorder.GetRowId("POST", "chat");
        for (int i = 0; i < 10; i++)
        {
            double sent = 0.1 * i;
            double first = sent + 0.100 + (0.010 * i);
            Stream(row, sent, [first, first + 0.02, first + 0.04, first + 0.06, first + 0.08], end: first + 0.081, outputTokens: 5, fromUsage: true, inputTokens: 30);
        }

        _aggregator.Complete(At(2));
        StatsSnapshot snapshot = _aggregator.Snapshot(At(2));
        LlmStats llm = snapshot.Rows.Single().Llm.ShouldNotBeNull();

        llm.Requests.ShouldBe(10);
        llm.TtftMs.Count.ShouldBe(10);
        llm.TtftMs.Min.ShouldBe(100);
        llm.TtftMs.Max.ShouldBe(190);
        llm.TtftMs.Mean.ShouldBe(145);
        llm.TtftMs.Get(50).ShouldBe(140, 0.2);
        llm.ItlMs.Count.ShouldBe(40);
        llm.ItlMs.Min.ShouldBe(20);
        llm.ItlMs.Max.ShouldBe(20);
        llm.ItlMs.Get(99).ShouldBe(20, 0.02);

        // TPOT = (e2e − TTFT) / (5 − 1) = 81 / 4 ms; e2e = TTFT + 81 ms.
        llm.TpotMs.Mean.ShouldBe(20.25);
        llm.E2eMs.Min.ShouldBe(181);
        llm.E2eMs.Max.ShouldBe(271);
        llm.OutputTokensTotal.ShouldBe(50);
        llm.OutputTokens.Mean.ShouldBe(5);
        llm.InputTokensTotal.ShouldBe(300);
        llm.InputTokensMean.ShouldBe(30);
        llm.TokenSource.ShouldBe("usage");
        llm.OutputTokensPerSecond.ShouldBe(25, 0.001); // 50 tokens in the run's 2 s
        snapshot.Total.Llm.ShouldNotBeNull().Requests.ShouldBe(10);

        // Per second: the streams that ended in each.
        snapshot.History.Sum(i => i.Rows.Single().Llm?.Requests ?? 0).ShouldBe(10);
        snapshot.History.Sum(i => i.Total.Llm?.OutputTokensTotal ?? 0).ShouldBe(50);
    }

    [Fact]
    public void WindowOfSeconds_StreamsOverFourSeconds_TheSpansLlmStatisticsAsIfMeasuredAlone()
    {
        // Twenty streams, one every 0.2 s: TTFT 100 + 10·i ms, then 4 more tokens 20 ms apart; goodput ttft<200ms.
        _aggregator.Goodput = Stampede.Llm.GoodputBounds.Parse("ttft<200ms");
        int row = _recorder.GetRowId("POST", "chat");
        var ends = new List<(double End, double TtftMs)>();
        for (int i = 0; i < 20; i++)
        {
            double sent = 0.2 * i;
            double first = sent + 0.100 + (0.010 * i);
            double end = first + 0.081;
            Stream(row, sent, [first, first + 0.02, first + 0.04, first + 0.06, first + 0.08], end, outputTokens: 5, fromUsage: true, inputTokens: 10 + i);
            ends.Add((end, 100 + (10.0 * i)));
        }

        _aggregator.Complete(At(5));
        StatsSnapshot snapshot = _aggregator.Snapshot(At(5));

        // Seconds 1 and 2: the streams that ended in them, and nothing of the others.
        StatsSnapshot window = Stampede.Experiments.WindowStats.Of(snapshot.History, 1, 3);
        double[] ttfts = [.. ends.Where(e => e.End >= 1 && e.End < 3).Select(e => e.TtftMs)];
        int[] indexes = [.. Enumerable.Range(0, 20).Where(i => ends[i].End >= 1 && ends[i].End < 3)];
        foreach (LlmStats llm in new[] { window.Rows.Single().Llm.ShouldNotBeNull(), window.Total.Llm.ShouldNotBeNull() })
        {
            llm.Requests.ShouldBe(ttfts.Length);
            llm.TtftMs.Count.ShouldBe(ttfts.Length);
            llm.TtftMs.Min.ShouldBe(ttfts.Min());
            llm.TtftMs.Max.ShouldBe(ttfts.Max());
            llm.TtftMs.Mean.ShouldBe(ttfts.Average(), 0.001);
            llm.TtftMs.Get(50).ShouldBe(ttfts.Order().ElementAt((ttfts.Length - 1) / 2), ttfts.Max() * 0.001);
            llm.ItlMs.Count.ShouldBe(ttfts.Length * 4);
            llm.TpotMs.Mean.ShouldBe(20.25);
            llm.OutputTokensTotal.ShouldBe(ttfts.Length * 5);
            llm.OutputTokensPerSecond.ShouldBe(ttfts.Length * 5 / 2.0, 0.001);
            llm.InputTokensMean.ShouldNotBeNull().ShouldBe(indexes.Average(i => 10.0 + i), 0.001);
            llm.Goodput.ShouldNotBeNull().GoodRequests.ShouldBe(ttfts.Count(t => t < 200));
        }

        // The whole history as one span: the run's own figures.
        LlmStats all = Stampede.Experiments.WindowStats.Of(snapshot.History, 0, 5).Total.Llm.ShouldNotBeNull();
        LlmStats run = snapshot.Total.Llm.ShouldNotBeNull();
        all.Requests.ShouldBe(run.Requests);
        all.TtftMs.Percentiles.ShouldBe(run.TtftMs.Percentiles);
        all.ItlMs.Percentiles.ShouldBe(run.ItlMs.Percentiles);
        all.E2eMs.Percentiles.ShouldBe(run.E2eMs.Percentiles);
        all.Goodput!.GoodRequests.ShouldBe(run.Goodput!.GoodRequests);
    }

    [Fact]
    public void Snapshot_OpenModelStreamLateToStart_TtftAndE2eFromTheIntendedStart()
    {
        int row = _recorder.GetRowId("POST", "chat");

        // Meant to start at 0 s, sent 50 ms late: TTFT and e2e count from 0.
        Stream(row, sent: 0.05, [0.25, 0.30], end: 0.30, outputTokens: 2, fromUsage: false, intended: 0);

        _aggregator.Drain();
        LlmStats llm = _aggregator.Snapshot(At(1)).Rows.Single().Llm.ShouldNotBeNull();

        llm.TtftMs.Min.ShouldBe(250);
        llm.E2eMs.Min.ShouldBe(300);
        llm.TpotMs.Min.ShouldBe(50);
        llm.TokenSource.ShouldBe("tokenizer");
        llm.InputTokensMean.ShouldBeNull();
    }

    [Fact]
    public void Snapshot_WithGoodputBounds_CountsTheStreamsThatMetThemAll()
    {
        // TTFT 100 … 190 ms and TPOT 20.25 ms: ttft<150ms keeps the first five; tpot<20ms would keep none.
        _aggregator.Goodput = Stampede.Llm.GoodputBounds.Parse("ttft<150ms,tpot<25ms");
        int row = _recorder.GetRowId("POST", "chat");
        for (int i = 0; i < 10; i++)
        {
            double first = (0.1 * i) + 0.100 + (0.010 * i);
            Stream(row, 0.1 * i, [first, first + 0.02, first + 0.04, first + 0.06, first + 0.08], end: first + 0.081, outputTokens: 5, fromUsage: true);
        }

        _aggregator.Complete(At(2));
        GoodputStats goodput = _aggregator.Snapshot(At(2)).Rows.Single().Llm!.Goodput.ShouldNotBeNull();

        goodput.Bounds.ShouldBe("ttft<150ms,tpot<25ms");
        goodput.GoodRequests.ShouldBe(5);
        goodput.Share.ShouldBe(0.5);
        goodput.PerSecond.ShouldBe(2.5);
    }

    [Fact]
    public void Snapshot_RowWithoutStreams_HasNoLlmStats()
    {
        int row = _recorder.GetRowId("GET", "/health");
        _recorder.Record(new RequestSample(row, 0, 200, At(0), At(0), At(0), At(0.01), 0, 10));

        _aggregator.Drain();
        StatsSnapshot snapshot = _aggregator.Snapshot(At(1));

        snapshot.Rows.Single().Llm.ShouldBeNull();
        snapshot.Total.Llm.ShouldBeNull();
    }

    private void Stream(int row, double sent, double[] tokens, double end, int outputTokens, bool fromUsage, int? inputTokens = null, double? intended = null)
    {
        long start = At(intended ?? sent);
        _recorder.Record(new RequestSample(row, 0, 200, start, At(sent), At(tokens[0]), At(end), 100, 1000));
        _recorder.RecordLlm(new LlmSample
        {
            RowId = row,
            IntendedStart = start,
            End = At(end),
            ContentTimestamps = [.. tokens.Select(At)],
            OutputTokens = outputTokens,
            TokensFromUsage = fromUsage,
            InputTokens = inputTokens,
        });
    }

    private long At(double seconds) => _start + (long)Math.Round(seconds * _time.TimestampFrequency);
}
