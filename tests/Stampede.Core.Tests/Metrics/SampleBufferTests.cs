using Stampede.Metrics;

namespace Stampede.Core.Tests.Metrics;

public sealed class SampleBufferTests
{
    [Fact]
    public async Task Record_ManyThreadsWhileDraining_LosesNoSampleAndCountsEachOnce()
    {
        // A small buffer forces producers to wait for the consumer: nothing may be dropped.
        var recorder = new MetricsRecorder(bufferCapacity: 64);
        int row = recorder.GetRowId("GET", "/x");
        const int Threads = 4;
        const int PerThread = 50_000;
        var sink = new CountingSink();
        using var done = new CancellationTokenSource();

        Task consumer = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                recorder.Drain(ref sink);
            }
        });
        Task[] producers = [.. Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                for (int i = 0; i < PerThread; i++)
                {
                    recorder.Record(new RequestSample(row, 0, 200, 0, 0, 0, i, 1, 1));
                }
            },
            TaskCreationOptions.LongRunning))];

        await Task.WhenAll(producers);
        await done.CancelAsync();
        await consumer;
        recorder.Drain(ref sink);

        sink.Count.ShouldBe(Threads * PerThread);
        sink.SumOfEnds.ShouldBe(Threads * ((long)PerThread * (PerThread - 1) / 2));
    }

    [Fact]
    public void Constructor_CapacityNotAPowerOfTwo_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new SampleBuffer(100));
    }

    [Theory]
    [InlineData(100, 8)]
    [InlineData(64, 12)]
    [InlineData(64, 0)]
    public void Constructor_CapacitiesNotPowersOfTwo_Throws(int capacity, int initialCapacity)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new SampleBuffer(capacity, initialCapacity));
    }

    [Fact]
    public void Constructor_InitialCapacityAboveTheLimit_StartsAtTheLimit()
    {
        new SampleBuffer(64, initialCapacity: 512).Capacity.ShouldBe(64);
    }

    [Fact]
    public void Write_ConsumerKeepsUp_StaysAtItsInitialCapacity()
    {
        // A thread that records a little (most thread-pool threads of a run with many idle users) keeps a small buffer.
        var buffer = new SampleBuffer(1024, initialCapacity: 8);
        var sink = new OrderSink();
        for (int round = 0; round < 100; round++)
        {
            for (int i = 0; i < 8; i++)
            {
                buffer.Write(Sample(round * 8 + i));
            }

            buffer.Drain(ref sink).ShouldBe(8);
        }

        buffer.Capacity.ShouldBe(8);
        sink.Count.ShouldBe(800);
        sink.InOrder.ShouldBeTrue();
    }

    [Fact]
    public async Task Write_MoreThanFitsBeforeADrain_GrowsToTheLimitAndKeepsEverySampleInOrder()
    {
        var buffer = new SampleBuffer(64, initialCapacity: 8);

        // 8 + 16 + 32 + 64 slots: every write finds room without a drain, in segments that double up to the limit.
        // (On a thread of its own, bounded: a buffer that did not grow would wait for a drain forever.)
        await Task.Factory.StartNew(
            () =>
            {
                for (int i = 0; i < 120; i++)
                {
                    buffer.Write(Sample(i));
                }
            },
            TaskCreationOptions.LongRunning).WaitAsync(TimeSpan.FromSeconds(30));

        buffer.Capacity.ShouldBe(64);
        buffer.IsEmpty.ShouldBeFalse();
        var sink = new OrderSink();
        buffer.Drain(ref sink).ShouldBe(120);
        sink.Count.ShouldBe(120);
        sink.InOrder.ShouldBeTrue();
        buffer.IsEmpty.ShouldBeTrue();
        buffer.Drain(ref sink).ShouldBe(0);

        // Drained, the largest segment alone is kept and reused.
        for (int i = 120; i < 184; i++)
        {
            buffer.Write(Sample(i));
        }

        buffer.Capacity.ShouldBe(64);
        buffer.Drain(ref sink).ShouldBe(64);
        sink.InOrder.ShouldBeTrue();
    }

    [Fact]
    public async Task Write_GrowingWhileTheConsumerDrains_HandsOverEverySampleOnceInOrder()
    {
        var buffer = new SampleBuffer(1024, initialCapacity: 2);
        const int Count = 300_000;
        var sink = new OrderSink();
        Task producer = Task.Factory.StartNew(
            () =>
            {
                for (int i = 0; i < Count; i++)
                {
                    buffer.Write(Sample(i));
                }
            },
            TaskCreationOptions.LongRunning);

        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (!producer.IsCompleted && bound.Elapsed < TimeSpan.FromSeconds(60))
        {
            buffer.Drain(ref sink);
        }

        await producer.WaitAsync(TimeSpan.FromSeconds(1));
        buffer.Drain(ref sink);

        sink.Count.ShouldBe(Count);
        sink.InOrder.ShouldBeTrue();
        buffer.IsEmpty.ShouldBeTrue();
    }

    private static RequestSample Sample(long end) => new(0, 0, 200, 0, 0, 0, end, 1, 1);

    private struct OrderSink : ISampleSink
    {
        public long Count;
        public bool InOrder;

        public void Accept(in RequestSample sample)
        {
            InOrder = (Count == 0 || InOrder) && sample.End == Count;
            Count++;
        }
    }

    private struct CountingSink : ISampleSink
    {
        public long Count;
        public long SumOfEnds;

        public void Accept(in RequestSample sample)
        {
            Count++;
            SumOfEnds += sample.End;
        }
    }
}
