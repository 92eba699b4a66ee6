using BenchmarkDotNet.Attributes;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Benchmarks;

/// <summary>
/// The hot path of every request: recording one <see cref="RequestSample"/> into the calling thread's
/// buffer, and the aggregator folding it into the row's and the second's HDR histograms.
/// Results are kept in RecordSampleBenchmarks.md beside this file.
/// </summary>
[MemoryDiagnoser]
public class RecordSampleBenchmarks
{
    private const int Batch = 1024;

    private MetricsRecorder _recorder = null!;
    private MetricsAggregator _aggregator = null!;
    private RequestSample[] _samples = null!;

    [GlobalSetup]
    public void Setup()
    {
        TimeProvider time = TimeProvider.System;
        long start = time.GetTimestamp();
        _recorder = new MetricsRecorder();
        _aggregator = new MetricsAggregator(_recorder, new GeneratorMonitor(90), time, start);
        int small = _recorder.GetRowId("POST", "predict small");
        int large = _recorder.GetRowId("POST", "predict large");
        int busy = _recorder.GetErrorId("HTTP 503 Service Unavailable");
        var random = new Random(1);
        long frequency = time.TimestampFrequency;
        _samples = new RequestSample[Batch];
        for (int i = 0; i < Batch; i++)
        {
            // Latencies from 0.2 ms to 200 ms, one failure in 50, all completing in the run's first second.
            long latency = (long)(frequency * (0.0002 + (random.NextDouble() * random.NextDouble() * 0.2)));
            long end = start + (frequency / 2);
            _samples[i] = new RequestSample(i % 10 < 7 ? small : large, i % 50 == 0 ? busy : 0, 200, end - latency, end - latency, end - (latency / 2), end, 1024, 300);
        }

        // Warm the thread's buffer and the rows so the measured loop sees steady state.
        Record();
        RecordAndAggregate();
    }

    /// <summary>What a virtual user pays per request: one copy into its thread's buffer (drained outside the loop's cost per sample).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int Record()
    {
        RequestSample[] samples = _samples;
        for (int i = 0; i < samples.Length; i++)
        {
            _recorder.Record(in samples[i]);
        }

        var sink = default(DiscardSink);
        return _recorder.Drain(ref sink);
    }

    /// <summary>Recording plus the aggregator's fold into four histograms (row and total, cumulative and per second).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int RecordAndAggregate()
    {
        RequestSample[] samples = _samples;
        for (int i = 0; i < samples.Length; i++)
        {
            _recorder.Record(in samples[i]);
        }

        return _aggregator.Drain();
    }

    private struct DiscardSink : ISampleSink
    {
        public readonly void Accept(in RequestSample sample)
        {
        }
    }
}
