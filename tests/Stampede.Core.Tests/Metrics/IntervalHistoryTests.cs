using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Core.Tests.Metrics;

/// <summary>The per-second history moves its older seconds to disk and reads them back unchanged.</summary>
public sealed class IntervalHistoryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stampede-history-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Add_MoreThanKept_OlderSecondsMoveToDiskAndReadBackEqual()
    {
        var history = new IntervalHistory(_folder) { SecondsInMemory = 5 };
        IntervalStats[] added = [.. Enumerable.Range(0, 20).Select(Interval)];

        foreach (IntervalStats interval in added)
        {
            history.Add(interval);
        }

        history.Count.ShouldBe(20);
        history.Spilled.ShouldBe(15);
        for (int i = 0; i < added.Length; i++)
        {
            Json(history[i]).ShouldBe(Json(added[i]), $"second {i}");
        }

        // Field by field too, for what a serializer could leave out of both sides alike.
        RowStats read = history[0].Rows.Single();
        read.Histogram.ShouldBe(added[0].Rows[0].Histogram);
        read.Percentiles.ShouldBe(added[0].Rows[0].Percentiles);
        read.Key.ShouldBe(added[0].Rows[0].Key);
        history[0].Total.Key.ShouldBe(added[0].Total.Key);
        history[3].GeneratorBound.ShouldBeTrue();
        history[1].SchedulingLagP99Ms.ShouldBeNull();
        history[2].SchedulingLagP99Ms.ShouldBe(0.75);

        // The newest seconds are the very objects added; the older ones are copies read from the file.
        history[19].ShouldBeSameAs(added[19]);
        history[0].ShouldNotBeSameAs(added[0]);
        history.SpillError.ShouldBeNull();
    }

    [Fact]
    public void Add_Spilling_LeavesNoFileBehind()
    {
        var history = new IntervalHistory(_folder) { SecondsInMemory = 1 };
        for (int i = 0; i < 4; i++)
        {
            history.Add(Interval(i));
        }

        history.Spilled.ShouldBe(3);
        if (!OperatingSystem.IsWindows())
        {
            // Unlinked as soon as it is open: a killed run leaves nothing in the temp folder.
            Directory.GetFiles(_folder).ShouldBeEmpty();
        }

        history[0].Second.ShouldBe(0);
    }

    [Fact]
    public void View_TakenEarlier_KeepsItsSecondsAsLaterOnesSpill()
    {
        var history = new IntervalHistory(_folder) { SecondsInMemory = 2 };
        for (int i = 0; i < 4; i++)
        {
            history.Add(Interval(i));
        }

        IReadOnlyList<IntervalStats> view = history.View();
        for (int i = 4; i < 10; i++)
        {
            history.Add(Interval(i));
        }

        view.Count.ShouldBe(4);
        view.Select(i => i.Second).ShouldBe([0, 1, 2, 3]);
        Should.Throw<ArgumentOutOfRangeException>(() => view[4]);
        history.View().Select(i => i.Second).ShouldBe(Enumerable.Range(0, 10).Select(i => (long)i));
    }

    [Fact]
    public void Add_ZeroSecondsInMemory_KeepsEverySecondInMemory()
    {
        var history = new IntervalHistory(_folder) { SecondsInMemory = 0 };
        IntervalStats[] added = [.. Enumerable.Range(0, 10).Select(Interval)];
        foreach (IntervalStats interval in added)
        {
            history.Add(interval);
        }

        history.Spilled.ShouldBe(0);
        history[0].ShouldBeSameAs(added[0]);
    }

    [Fact]
    public void Add_SpillFolderMissing_KeepsTheSecondsInMemoryAndSaysWhy()
    {
        string missing = Path.Combine(_folder, "no", "such", "folder");
        var history = new IntervalHistory(missing) { SecondsInMemory = 2 };
        for (int i = 0; i < 6; i++)
        {
            history.Add(Interval(i));
        }

        history.Spilled.ShouldBe(0);
        history.SpillError.ShouldNotBeNull().ShouldContain(missing);
        history.View().Select(i => i.Second).ShouldBe(Enumerable.Range(0, 6).Select(i => (long)i));
    }

    [Fact]
    public async Task Indexer_ReadWhileAppending_EverySecondIsItself()
    {
        var history = new IntervalHistory(_folder) { SecondsInMemory = 3 };
        using var done = new CancellationTokenSource();
        long mismatches = 0;
        long reads = 0;
        Task reader = Task.Run(() =>
        {
            var random = new Random(7);
            while (!done.IsCancellationRequested)
            {
                IReadOnlyList<IntervalStats> view = history.View();
                if (view.Count == 0)
                {
                    continue;
                }

                int i = random.Next(view.Count);
                if (view[i].Second != i)
                {
                    Interlocked.Increment(ref mismatches);
                }

                Interlocked.Increment(ref reads);
            }
        });

        // Append until the reader has read a thousand times while seconds moved to disk under it (at most 100,000).
        int added = 0;
        while (added < 2000 || (Interlocked.Read(ref reads) < 1000 && added < 100_000))
        {
            history.Add(Interval(added++));
        }

        await done.CancelAsync();
        await reader;
        mismatches.ShouldBe(0);
        Interlocked.Read(ref reads).ShouldBeGreaterThanOrEqualTo(1000);
        history.Spilled.ShouldBe(added - 3);
    }

    [Fact]
    public void Aggregator_HistoryPartlyOnDisk_SnapshotsEqualAnAllInMemoryRun()
    {
        // The same samples, HTTP and LLM streams over 12 s, into an aggregator that keeps 3 s in memory and one that keeps all.
        (MetricsAggregator spilling, StatsSnapshot spilled) = Run(secondsInMemory: 3);
        (_, StatsSnapshot kept) = Run(secondsInMemory: 0);

        spilled.History.Count.ShouldBe(12);
        spilling.HistorySpillError.ShouldBeNull();
        for (int i = 0; i < kept.History.Count; i++)
        {
            Json(spilled.History[i]).ShouldBe(Json(kept.History[i]), $"second {i}");
        }

        spilled.History.Sum(i => i.Total.Requests).ShouldBe(spilled.Total.Requests);
        spilled.History[0].Total.Histogram.ShouldNotBeNull();
        spilled.History[0].Rows.Single(r => r.Key.Name == "chat").Llm.ShouldNotBeNull().TtftMs.Count.ShouldBeGreaterThan(0);
    }

    private static (MetricsAggregator Aggregator, StatsSnapshot Final) Run(int secondsInMemory)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var recorder = new MetricsRecorder();
        long start = time.GetTimestamp();
        var aggregator = new MetricsAggregator(recorder, new GeneratorMonitor(90, () => default, 2), time, start) { HistorySecondsInMemory = secondsInMemory };
        long At(double seconds) => start + (long)Math.Round(seconds * time.TimestampFrequency);
        int predict = recorder.GetRowId("POST", "predict");
        int chat = recorder.GetRowId("POST", "chat");
        for (int second = 0; second < 12; second++)
        {
            for (int k = 0; k < 50; k++)
            {
                double end = second + (k / 50.0) + 0.01;
                long latency = (long)Math.Round((1 + ((k * 7) % 40)) / 1000.0 * time.TimestampFrequency);
                recorder.Record(new RequestSample(predict, 0, 200, At(end) - latency, At(end) - latency, At(end) - latency, At(end), 10, 100));
            }

            double sent = second + 0.1;
            double[] tokens = [sent + 0.2, sent + 0.22, sent + 0.25];
            recorder.Record(new RequestSample(chat, 0, 200, At(sent), At(sent), At(tokens[0]), At(sent + 0.3), 100, 1000));
            recorder.RecordLlm(new LlmSample
            {
                RowId = chat,
                IntendedStart = At(sent),
                End = At(sent + 0.3),
                ContentTimestamps = [.. tokens.Select(At)],
                OutputTokens = 3,
                TokensFromUsage = true,
                InputTokens = 20,
            });
            aggregator.Drain();
            aggregator.Snapshot(At(second + 1.3));
        }

        aggregator.Complete(At(12));
        return (aggregator, aggregator.Snapshot(At(12)));
    }

    private static string Json(IntervalStats interval) => JsonSerializer.Serialize(interval, IntervalHistoryJsonContext.Default.IntervalStats);

    private static IntervalStats Interval(int second)
    {
        RowKey key = new("POST", "predict");
        RowStats row = new()
        {
            Key = key,
            Requests = 100 + second,
            Failures = second % 3,
            MinMs = 0.5,
            MaxMs = 40.25 + second,
            AverageMs = 7.125,
            MedianMs = 6.5,
            Percentiles = [.. Percentiles.Standard.Select(p => new PercentileValue(p, p / 3.0))],
            Histogram = [.. Enumerable.Range(0, 300 + second).Select(i => (byte)(i * 31))],
            RequestsPerSecond = 100.5,
        };
        return new IntervalStats
        {
            Second = second,
            Start = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero).AddSeconds(second),
            DurationSeconds = 1,
            Users = 40,
            Rows = [row],
            Total = row with { Key = new RowKey(string.Empty, "Aggregated") },
            DueIterations = 101,
            DroppedIterations = 1,
            SchedulingLagP99Ms = second % 2 == 0 ? 0.75 : null,
            GeneratorBound = second == 3,
        };
    }
}
