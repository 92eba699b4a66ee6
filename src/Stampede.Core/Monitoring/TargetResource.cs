namespace Stampede.Monitoring;

/// <summary>
/// A resource of the system under test that can limit it. Each has one meaning of "saturated" once its
/// series is normalised by a known capacity (cores, bytes, 100%, a queue's or a worker pool's size).
/// </summary>
public enum TargetResource
{
    /// <summary>CPU, in cores used (capacity: the host's cores).</summary>
    Cpu,

    /// <summary>Memory, in bytes used (capacity: the host's memory).</summary>
    Memory,

    /// <summary>GPU compute, in percent busy (capacity 100%).</summary>
    Gpu,

    /// <summary>GPU memory (framebuffer or an LLM server's KV cache), in bytes or percent used.</summary>
    GpuMemory,

    /// <summary>Network, in bytes/s (capacity: the link speed when the exporter knows it).</summary>
    Network,

    /// <summary>Disk, in percent of the time busy (capacity 100%).</summary>
    Disk,

    /// <summary>The server's own queue: requests waiting, or time spent waiting.</summary>
    Queue,

    /// <summary>The server's own concurrency: requests (or workers) busy at once (capacity: the pool's size when known).</summary>
    Concurrency,

    /// <summary>Replicas (or workers) that serve: what an autoscaler changes.</summary>
    Replicas,
}

/// <summary>The names of <see cref="TargetResource"/> as flags, outputs and docs write them.</summary>
public static class TargetResources
{
    /// <summary>Every resource, in the order outputs list them.</summary>
    public static IReadOnlyList<TargetResource> All { get; } =
    [
        TargetResource.Cpu, TargetResource.Memory, TargetResource.Gpu, TargetResource.GpuMemory, TargetResource.Network,
        TargetResource.Disk, TargetResource.Queue, TargetResource.Concurrency, TargetResource.Replicas,
    ];

    /// <summary>The resources that are hardware (as opposed to the server's own queue, concurrency and replicas).</summary>
    public static bool IsPhysical(TargetResource resource) => resource is not (TargetResource.Queue or TargetResource.Concurrency or TargetResource.Replicas);

    /// <summary>The name: <c>cpu</c>, <c>memory</c>, <c>gpu</c>, <c>gpu-memory</c>, <c>network</c>, <c>disk</c>, <c>queue</c>, <c>concurrency</c>, <c>replicas</c>.</summary>
    public static string Name(TargetResource resource) => resource switch
    {
        TargetResource.Cpu => "cpu",
        TargetResource.Memory => "memory",
        TargetResource.Gpu => "gpu",
        TargetResource.GpuMemory => "gpu-memory",
        TargetResource.Network => "network",
        TargetResource.Disk => "disk",
        TargetResource.Queue => "queue",
        TargetResource.Concurrency => "concurrency",
        TargetResource.Replicas => "replicas",
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, "An unknown resource."),
    };

    /// <summary>Reads a name written by <see cref="Name"/> (case-insensitive).</summary>
    public static bool TryParse(string? text, out TargetResource resource)
    {
        foreach (TargetResource candidate in All)
        {
            if (string.Equals(Name(candidate), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                resource = candidate;
                return true;
            }
        }

        resource = default;
        return false;
    }
}
