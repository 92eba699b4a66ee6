using Stampede.Metrics;

namespace Stampede.Core.Tests.Metrics;

/// <summary>
/// The recorder's per-thread buffers: a thread that ends gives its buffer back once it is drained, so the thread pool
/// retiring and starting threads over a long run does not pile up 590 KB buffers.
/// </summary>
public sealed class MetricsRecorderBufferTests
{
    [Fact]
    public void Drain_ThreadsThatEnded_TheirBuffersAreDroppedAfterTheirSamplesAreCounted()
    {
        var recorder = new MetricsRecorder(bufferCapacity: 64);
        int row = recorder.GetRowId("GET", "/x");
        for (int t = 0; t < 5; t++)
        {
            var thread = new Thread(() =>
            {
                for (int i = 0; i < 10; i++)
                {
                    recorder.Record(new RequestSample(row, 0, 200, 1, 1, 2, 3, 0, 0));
                }
            });
            thread.Start();
            thread.Join();
        }

        recorder.BufferCount.ShouldBe(5);
        var sink = new CountingSink();
        long drained = 0;

        // The ended threads are looked for every 20 drains; every sample is counted before its buffer goes.
        for (int i = 0; i < 20; i++)
        {
            drained += recorder.Drain(ref sink);
        }

        drained.ShouldBe(50);
        recorder.BufferCount.ShouldBe(0);
    }

    [Fact]
    public void Drain_ThreadStillRunning_KeepsItsBuffer()
    {
        var recorder = new MetricsRecorder(bufferCapacity: 64);
        int row = recorder.GetRowId("GET", "/x");
        recorder.Record(new RequestSample(row, 0, 200, 1, 1, 2, 3, 0, 0));
        var sink = new CountingSink();
        long drained = 0;
        for (int i = 0; i < 40; i++)
        {
            drained += recorder.Drain(ref sink);
        }

        drained.ShouldBe(1);
        recorder.BufferCount.ShouldBe(1);

        // And it still records into the same buffer.
        recorder.Record(new RequestSample(row, 0, 200, 1, 1, 2, 3, 0, 0));
        recorder.Drain(ref sink).ShouldBe(1);
        recorder.BufferCount.ShouldBe(1);
    }

    private struct CountingSink : ISampleSink
    {
        public void Accept(in RequestSample sample)
        {
        }
    }
}
