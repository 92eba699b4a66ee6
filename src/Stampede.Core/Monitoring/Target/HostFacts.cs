using System.Collections.Concurrent;
using System.Globalization;

namespace Stampede.Monitoring.Target;

/// <summary>
/// The cores and memory of each watched host, the capacities of CPU and memory series: this machine's for
/// local sources, a node_exporter's for the sources of its host.
/// </summary>
internal sealed class HostFacts
{
    private readonly ConcurrentDictionary<string, (double Cores, string Source)> _cores = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (double Bytes, string Source)> _memory = new(StringComparer.OrdinalIgnoreCase);

    public HostFacts(int? localCores = null, double? localMemoryBytes = null)
    {
        int cores = localCores ?? Environment.ProcessorCount;
        _cores["localhost"] = (cores, string.Create(CultureInfo.InvariantCulture, $"{cores} cores of this machine"));
        if ((localMemoryBytes ?? ReadLocalMemory()) is { } memory and > 0)
        {
            _memory["localhost"] = (memory, string.Create(CultureInfo.InvariantCulture, $"{memory / (1024.0 * 1024 * 1024):0.#} GiB of this machine"));
        }
    }

    /// <summary>Records what a node_exporter says of its host (its CPUs and memory win over the local defaults, as they describe the target).</summary>
    public void FromNodeExporter(string host, int? cpus, double? memTotalBytes)
    {
        if (cpus is { } c and > 0)
        {
            _cores[host] = (c, string.Create(CultureInfo.InvariantCulture, $"{c} CPUs (node_cpu_seconds_total)"));
        }

        if (memTotalBytes is { } m and > 0)
        {
            _memory[host] = (m, "node_memory_MemTotal_bytes");
        }
    }

    public (double Cores, string Source)? Cores(string host) => _cores.TryGetValue(host, out var c) ? c : null;

    public (double Bytes, string Source)? Memory(string host) => _memory.TryGetValue(host, out var m) ? m : null;

    private static double? ReadLocalMemory()
    {
        try
        {
            if (File.Exists("/proc/meminfo"))
            {
                foreach (string line in File.ReadLines("/proc/meminfo"))
                {
                    if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                    {
                        string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length >= 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double kib))
                        {
                            return kib * 1024;
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Fall back to what the runtime knows.
        }

        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return available > 0 ? available : null;
    }
}
