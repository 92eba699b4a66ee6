using System.Diagnostics;
using System.Globalization;

namespace Stampede.ScrapeCost;

/// <summary>The process's CPU time, GC activity and, on Linux, each thread's CPU time at one moment.</summary>
internal sealed record CpuSample(
    long Timestamp,
    TimeSpan ProcessCpu,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    TimeSpan GcPause,
    IReadOnlyDictionary<int, (string Name, long Ticks)> Threads)
{
    // USER_HZ: the unit of utime and stime in /proc/<pid>/task/<tid>/stat (100 on every mainstream kernel).
    public const double TicksPerSecond = 100;

    public static CpuSample Take()
    {
        using Process self = Process.GetCurrentProcess();
        return new CpuSample(
            Stopwatch.GetTimestamp(),
            self.TotalProcessorTime,
            GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration(),
            ReadThreads());
    }

    private static Dictionary<int, (string Name, long Ticks)> ReadThreads()
    {
        var threads = new Dictionary<int, (string, long)>();
        if (!Directory.Exists("/proc/self/task"))
        {
            return threads;
        }

        foreach (string dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                // pid (comm) state ppid … utime stime: utime and stime are fields 14 and 15, counted from 1.
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                int open = stat.IndexOf('(', StringComparison.Ordinal);
                int close = stat.LastIndexOf(')');
                string[] rest = stat[(close + 2)..].Split(' ');
                long ticks = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
                threads[int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture)] = (stat[(open + 1)..close], ticks);
            }
            catch (IOException)
            {
                // The thread ended while the folder was read.
            }
        }

        return threads;
    }
}
