using BenchmarkDotNet.Attributes;
using Stampede.Cluster;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Benchmarks;

/// <summary>
/// What one second of one agent costs a distributed run (docs/distributed.md#cost-and-scale): the agent encoding its
/// second whole (<see cref="IntervalState"/>: three histograms a row, four for the total), the JSON report that carries
/// it over NATS, and the coordinator merging it exactly. Rows are the scenario's (method, name) rows; each holds 1,000
/// requests in the second, latencies from 0.2 to 200 ms. Results are kept in ClusterMergeBenchmarks.md beside this file.
/// </summary>
[MemoryDiagnoser]
public class ClusterMergeBenchmarks
{
    private IntervalState _second = null!;
    private ClusterProtocol.Report _report = null!;
    private MetricsAggregator _coordinator = null!;
    private MetricsAggregator _agent = null!;
    private RowAccumulator[] _accumulators = null!;
    private byte[] _encoded = null!;

    /// <summary>The scenario's rows.</summary>
    [Params(1, 10, 50)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TimeProvider time = TimeProvider.System;
        long start = time.GetTimestamp();
        var recorder = new MetricsRecorder();
        _agent = new MetricsAggregator(recorder, new GeneratorMonitor(90), time, start) { ExportsIntervals = true };
        var random = new Random(1);
        long frequency = time.TimestampFrequency;
        for (int row = 0; row < Rows; row++)
        {
            int id = recorder.GetRowId("POST", $"predict {row}");
            for (int i = 0; i < 1000; i++)
            {
                long latency = (long)(frequency * (0.0002 + (random.NextDouble() * random.NextDouble() * 0.2)));
                long end = start + (frequency / 2);
                recorder.Record(new RequestSample(id, 0, 200, end - latency - 1000, end - latency, end - (latency / 2), end, 1024, 300, scheduled: true));
            }

            // A thread's buffer holds 8,192 samples and waits for the aggregator when full.
            _agent.Drain();
        }

        _accumulators = [.. Enumerable.Range(0, Rows + 1).Select(i => new RowAccumulator(trackTimeToFirstByte: true, trackLag: i == Rows))];
        for (int i = 0; i < 1000 * Rows; i++)
        {
            long latency = (long)(frequency * (0.0002 + (random.NextDouble() * random.NextDouble() * 0.2)));
            var sample = new RequestSample(0, 0, 200, start, start + 1000, start + (latency / 2), start + latency, 1024, 300, scheduled: true);
            foreach (RowAccumulator accumulator in new[] { _accumulators[i % Rows], _accumulators[Rows] })
            {
                accumulator.Add(in sample, latency, latency / 1000, latency / 2, latency / 2000);
                accumulator.AddDetail(in sample, latency - 1000, (latency - 1000) / 1000, 1000, 1);
            }
        }

        _agent.Drain();
        _agent.CloseIntervals(start + (2 * frequency));
        _second = _agent.TakeExport().Intervals[0];
        _report = new ClusterProtocol.Report
        {
            Agent = "gen-1",
            Run = 1,
            Sequence = 1,
            Frequency = frequency,
            Intervals = [_second],
            Health = new GeneratorHealth(),
        };
        _encoded = ClusterProtocol.Encode(_report);
        _coordinator = new MetricsAggregator(new MetricsRecorder(), new ClusterHealth(90), time, start) { MergesIntervals = true };
        Console.WriteLine($"// report bytes with {Rows} rows: {ClusterProtocol.Encode(_report).Length}");
    }

    /// <summary>The agent: its second's rows and total encoded whole (what <see cref="MetricsAggregator.TakeExport"/> hands out).</summary>
    [Benchmark]
    public int EncodeSecond()
    {
        int bytes = 0;
        foreach (RowAccumulator accumulator in _accumulators)
        {
            bytes += accumulator.ToState(new RowKey("POST", "predict")).Latency.Length;
        }

        return bytes;
    }

    /// <summary>The agent: the report as JSON, ready for NATS.</summary>
    [Benchmark]
    public int SerializeReport() => ClusterProtocol.Encode(_report).Length;

    /// <summary>The coordinator: the report read back and its second merged into the whole-run rows and the second's interval.</summary>
    [Benchmark]
    public void ReadAndMerge()
    {
        ClusterProtocol.Report report = ClusterProtocol.Decode<ClusterProtocol.Report>(_encoded);
        _coordinator.Merge(report.Intervals[0]);
    }

    /// <summary>The coordinator: the second merged (its histograms decoded and added to the run's and the second's).</summary>
    [Benchmark]
    public void Merge() => _coordinator.Merge(_second);
}
