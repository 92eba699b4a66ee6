using System.Reflection;
using Stampede.Monitoring;

namespace Stampede.ScrapeCost;

/// <summary>
/// The engine's own TargetMonitor over PrometheusSources, as TargetMonitor.Create builds it for remote
/// <c>--metrics-url</c>s (the HostSource it adds for a loopback URL reads this machine's /proc and is left out:
/// the exporters here stand in for remote hosts).
/// </summary>
/// <remarks>
/// Both types are internal to Stampede.Core, whose InternalsVisibleTo names only the tool, the test projects
/// and Stampede.Benchmarks; they are reached by reflection once, while setting up. Every scrape then runs the
/// shipped code with no reflection on its path.
/// </remarks>
internal sealed class MonitorHandle : IAsyncDisposable
{
    private const string Namespace = "Stampede.Monitoring.Target.";

    private static readonly Assembly Core = typeof(MetricsEndpoint).Assembly;

    private readonly object _monitor;
    private readonly Type _type;

    private MonitorHandle(object monitor)
    {
        _monitor = monitor;
        _type = monitor.GetType();
    }

    /// <summary>A monitor of <paramref name="endpoints"/>, read every <paramref name="interval"/>, each read limited to <paramref name="timeout"/>.</summary>
    public static MonitorHandle Create(IReadOnlyList<MetricsEndpoint> endpoints, TimeSpan interval, TimeSpan timeout)
    {
        Type sourceType = CoreType("PrometheusSource");
        long maxBytes = (long)sourceType.GetField("DefaultMaxBytes")!.GetValue(null)!;
        var sources = Array.CreateInstance(CoreType("ITargetSource"), endpoints.Count);
        for (int i = 0; i < endpoints.Count; i++)
        {
            sources.SetValue(Activator.CreateInstance(sourceType, endpoints[i], timeout, maxBytes), i);
        }

        object monitor = Activator.CreateInstance(CoreType("TargetMonitor"), sources, Array.Empty<SeriesMapping>(), interval, TimeProvider.System, null)!;
        return new MonitorHandle(monitor);
    }

    /// <summary>Everything read so far.</summary>
    public TargetSnapshot Current => (TargetSnapshot)_type.GetProperty("Current")!.GetValue(_monitor)!;

    /// <summary>Starts every source's loop, the run's clock starting now.</summary>
    public void Start() => _type.GetMethod("Start")!.Invoke(_monitor, [TimeProvider.System.GetTimestamp()]);

    /// <summary>Stops the loops.</summary>
    public Task StopAsync() => (Task)_type.GetMethod("StopAsync")!.Invoke(_monitor, null)!;

    public ValueTask DisposeAsync() => ((IAsyncDisposable)_monitor).DisposeAsync();

    private static Type CoreType(string name) =>
        Core.GetType(Namespace + name, throwOnError: true)!;
}
