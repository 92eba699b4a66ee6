using Stampede.Monitoring.Prometheus;

namespace Stampede.Monitoring.Target;

/// <summary>Something the run reads target metrics from each interval: a Prometheus endpoint or a local process.</summary>
internal interface ITargetSource : IDisposable
{
    /// <summary>The source's name in outputs.</summary>
    string Name { get; }

    /// <summary>What it reads (a URL, <c>/proc/PID</c>).</summary>
    string Address { get; }

    /// <summary><c>prometheus</c> or <c>process</c>.</summary>
    string Kind { get; }

    /// <summary>Whether its host is this machine, so the machine's cores and memory are its capacities.</summary>
    bool IsLocal { get; }

    /// <summary>The host its metrics describe (URL host, or <c>localhost</c>), to pair it with a node_exporter of the same host.</summary>
    string HostKey { get; }

    /// <summary>Reads the source once; never throws except on cancellation of <paramref name="cancellationToken"/>.</summary>
    Task<SourceReading> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>One read of a source: its samples, or why there are none.</summary>
/// <param name="Exposition">The parsed samples; <see langword="null"/> when the read failed.</param>
/// <param name="Error">Why it failed; <see langword="null"/> when it did not.</param>
/// <param name="TimedOut">Whether it failed by taking too long.</param>
internal sealed record SourceReading(Exposition? Exposition, string? Error, bool TimedOut = false)
{
    public static SourceReading Failed(string error, bool timedOut = false) => new(null, error, timedOut);
}
