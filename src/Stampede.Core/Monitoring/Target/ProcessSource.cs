using System.Globalization;
using System.Runtime.InteropServices;
using Stampede.Monitoring.Prometheus;

namespace Stampede.Monitoring.Target;

/// <summary>
/// A local process and its descendants read from /proc (<c>--watch-pid</c>), exposed as the standard
/// <c>process_cpu_seconds_total</c> and <c>process_resident_memory_bytes</c> so the same recognition applies.
/// </summary>
/// <remarks>
/// Model servers fork workers (gunicorn, uvicorn, TorchServe), so the process tree is summed. The CPU counter
/// adds each process's own growth between reads, so a worker that exits does not make the sum fall (a counter
/// must not), and one that appears counts from its whole CPU time.
/// </remarks>
internal sealed partial class ProcessSource : ITargetSource
{
    private static readonly double TicksPerSecond = ReadClockTicks();

    private readonly int _pid;
    private readonly string _proc;
    private Dictionary<int, long> _lastTicks = [];
    private double _cpuSeconds;
    private bool _started;

    /// <param name="pid">The process to watch.</param>
    /// <param name="procRoot">Where procfs is mounted (a test points it at a folder of its own).</param>
    public ProcessSource(int pid, string procRoot = "/proc")
    {
        _pid = pid;
        _proc = procRoot;
    }

    public string Name => $"pid {_pid}";

    public string Address => $"{_proc}/{_pid}";

    public string Kind => "process";

    public bool IsLocal => true;

    public string HostKey => "localhost";

    public Task<SourceReading> ReadAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_proc))
        {
            return Task.FromResult(SourceReading.Failed($"--watch-pid reads {_proc}, which this system does not have (Linux only); use --metrics-url with an exporter instead"));
        }

        if (!TryReadStat(_pid, out Stat root))
        {
            return Task.FromResult(SourceReading.Failed($"process {_pid} is not running (it exited, or the id is wrong)"));
        }

        Dictionary<int, Stat> tree = ReadTree(root);
        var ticks = new Dictionary<int, long>(tree.Count);
        long rssPages = 0;
        double added = 0;
        foreach ((int pid, Stat stat) in tree)
        {
            long used = stat.UserTicks + stat.SystemTicks;
            ticks[pid] = used;
            rssPages += stat.RssPages;
            if (!_started)
            {
                continue;
            }

            added += _lastTicks.TryGetValue(pid, out long before) ? Math.Max(0, used - before) : used;
        }

        if (!_started)
        {
            // The first read: the counter starts at the tree's CPU so far, as a process's own counter would.
            added = ticks.Values.Sum();
            _started = true;
        }

        _lastTicks = ticks;
        _cpuSeconds += added / TicksPerSecond;

        double rssBytes = (double)rssPages * Environment.SystemPageSize;
        MetricFamily cpu = new("process_cpu_seconds_total", MetricType.Counter, "CPU time of the process and its children (from /proc), seconds.", null,
            [new MetricSample("process_cpu_seconds_total", LabelSet.Empty, _cpuSeconds)]);
        MetricFamily rss = new("process_resident_memory_bytes", MetricType.Gauge, "Resident memory of the process and its children (from /proc), bytes.", null,
            [new MetricSample("process_resident_memory_bytes", LabelSet.Empty, rssBytes)]);
        MetricFamily count = new("stampede_watched_processes", MetricType.Gauge, "Processes in the watched tree.", null,
            [new MetricSample("stampede_watched_processes", LabelSet.Empty, tree.Count)]);
        return Task.FromResult(new SourceReading(new Exposition([cpu, rss, count], [], 3, IsOpenMetrics: false), null));
    }

    public void Dispose()
    {
    }

    private Dictionary<int, Stat> ReadTree(Stat root)
    {
        var tree = new Dictionary<int, Stat> { [_pid] = root };
        var children = new Dictionary<int, List<(int Pid, Stat Stat)>>();
        foreach (string dir in Directory.EnumerateDirectories(_proc))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == _pid)
            {
                continue;
            }

            if (TryReadStat(pid, out Stat stat))
            {
                if (!children.TryGetValue(stat.ParentPid, out List<(int, Stat)>? list))
                {
                    children[stat.ParentPid] = list = [];
                }

                list.Add((pid, stat));
            }
        }

        var pending = new Stack<int>();
        pending.Push(_pid);
        while (pending.Count > 0)
        {
            if (children.TryGetValue(pending.Pop(), out List<(int Pid, Stat Stat)>? list))
            {
                foreach ((int pid, Stat stat) in list)
                {
                    if (tree.TryAdd(pid, stat))
                    {
                        pending.Push(pid);
                    }
                }
            }
        }

        return tree;
    }

    /// <summary>Reads /proc/PID/stat: after the command name in parentheses (which may hold spaces), field 4 is the parent, 14 and 15 the user and system ticks, 24 the resident pages.</summary>
    private bool TryReadStat(int pid, out Stat stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText($"{_proc}/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        int close = text.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }

        string[] fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // fields[0] is field 3 (state).
        if (fields.Length < 22
            || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int parent)
            || !long.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out long user)
            || !long.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out long system)
            || !long.TryParse(fields[21], NumberStyles.Integer, CultureInfo.InvariantCulture, out long rss))
        {
            return false;
        }

        stat = new Stat(parent, user, system, rss);
        return true;
    }

    private static double ReadClockTicks()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                long ticks = SysConf(ScClockTicks);
                if (ticks > 0)
                {
                    return ticks;
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // Fall through to the value every mainstream Linux kernel uses.
            }
        }

        return 100;
    }

    private const int ScClockTicks = 2; // _SC_CLK_TCK in glibc and musl

    [LibraryImport("libc", EntryPoint = "sysconf")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial long SysConf(int name);

    private readonly record struct Stat(int ParentPid, long UserTicks, long SystemTicks, long RssPages);
}
