using System.Diagnostics;

namespace Stampede.ScrapeCost;

/// <summary>One measured phase: a sample at its start and at the end of each window, and its CPU per window.</summary>
internal sealed record Phase(string Name, IReadOnlyList<CpuSample> Samples, IReadOnlyList<(double From, double To, double CpuMsPerSecond)> Windows)
{
    public CpuSample Start => Samples[0];

    public CpuSample End => Samples[^1];

    public double WallSeconds => Stopwatch.GetElapsedTime(Start.Timestamp, End.Timestamp).TotalSeconds;

    public double CpuMs => (End.ProcessCpu - Start.ProcessCpu).TotalMilliseconds;

    public double CpuMsPerSecond => CpuMs / WallSeconds;

    public long AllocatedBytes => End.AllocatedBytes - Start.AllocatedBytes;

    /// <summary>CPU milliseconds per thread name over the phase: each thread from its first to its last sample (0 at its first when it started during the phase).</summary>
    public IReadOnlyList<(string Name, int Threads, double CpuMs)> ThreadCpu()
    {
        var first = new Dictionary<(int Tid, string Name), long>();
        var last = new Dictionary<(int Tid, string Name), long>();
        for (int i = 0; i < Samples.Count; i++)
        {
            foreach ((int tid, (string name, long ticks)) in Samples[i].Threads)
            {
                first.TryAdd((tid, name), i == 0 ? ticks : 0);
                last[(tid, name)] = ticks;
            }
        }

        return [.. last
            .GroupBy(t => t.Key.Name, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(), g.Sum(t => t.Value - first[t.Key]) * 1000 / CpuSample.TicksPerSecond))
            .OrderByDescending(t => t.Item3)];
    }
}
