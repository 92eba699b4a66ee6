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
