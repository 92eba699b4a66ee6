using System.Globalization;
using Stampede.Monitoring.Prometheus;

namespace Stampede.Monitoring.Target;

/// <summary>
/// This machine's CPU and memory from /proc/stat and /proc/meminfo, exposed with node_exporter's names
/// (<c>node_cpu_seconds_total{cpu,mode}</c>, <c>node_memory_*_bytes</c>). Watched whenever the target runs
/// here (<c>--watch-pid</c>, a loopback <c>--metrics-url</c>): a server sharing the machine with the generator
/// is limited by the machine's cores, which its own process CPU alone does not show.
/// </summary>
internal sealed class HostSource : ITargetSource
{
    private static readonly string[] Modes = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"];

    private readonly string _proc;
    private readonly double _ticksPerSecond;

    /// <param name="procRoot">Where procfs is mounted (a test points it at a folder of its own).</param>
    /// <param name="ticksPerSecond">USER_HZ, the unit of /proc/stat (100 on every mainstream kernel).</param>
    public HostSource(string procRoot = "/proc", double ticksPerSecond = 100)
    {
        _proc = procRoot;
        _ticksPerSecond = ticksPerSecond;
    }

    public string Name => "this machine";

    public string Address => $"{_proc}/stat";

    public string Kind => "host";

    public bool IsLocal => true;

    public string HostKey => "localhost";

    public Task<SourceReading> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var cpu = new List<MetricSample>();
            foreach (string line in File.ReadLines($"{_proc}/stat"))
            {
                if (!line.StartsWith("cpu", StringComparison.Ordinal) || line.Length < 4 || !char.IsAsciiDigit(line[3]))
                {
                    continue;
                }

                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                string id = fields[0][3..];
                for (int i = 0; i < Modes.Length && i + 1 < fields.Length; i++)
                {
                    if (double.TryParse(fields[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double ticks))
                    {
                        cpu.Add(new MetricSample("node_cpu_seconds_total", new LabelSet([new("cpu", id), new("mode", Modes[i])]), ticks / _ticksPerSecond));
                    }
                }
            }

            var families = new List<MetricFamily> { new("node_cpu_seconds_total", MetricType.Counter, "CPU time per CPU and mode (from /proc/stat), seconds.", null, cpu) };
            foreach (string line in File.ReadLines($"{_proc}/meminfo"))
            {
                string? name = line.StartsWith("MemTotal:", StringComparison.Ordinal) ? "node_memory_MemTotal_bytes"
                    : line.StartsWith("MemAvailable:", StringComparison.Ordinal) ? "node_memory_MemAvailable_bytes"
                    : null;
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (name is not null && parts.Length >= 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double kib))
                {
                    families.Add(new MetricFamily(name, MetricType.Gauge, null, null, [new MetricSample(name, LabelSet.Empty, kib * 1024)]));
                }
            }

            return Task.FromResult(new SourceReading(new Exposition(families, [], families.Sum(f => f.Samples.Count), IsOpenMetrics: false), null));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(SourceReading.Failed($"cannot read {_proc}/stat ({ex.Message}); this machine's CPU is not watched"));
        }
    }

    public void Dispose()
    {
    }
}
