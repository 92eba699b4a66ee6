using System.Collections.Concurrent;

namespace Stampede.Core.Tests.Infrastructure;

/// <summary>What test users report to the test that started them (flows to users through the execution context).</summary>
public sealed class Probe
{
    private static readonly AsyncLocal<Probe?> CurrentProbe = new();

    public static Probe Current => CurrentProbe.Value ?? throw new InvalidOperationException("No probe: call Probe.Start() in the test.");

    public ConcurrentDictionary<string, int> Counts { get; } = new();

    public ConcurrentQueue<int> UserIds { get; } = new();

    /// <summary>Settings the test passes to its users (a path, a count).</summary>
    public ConcurrentDictionary<string, object> Settings { get; } = new();

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static Probe Start()
    {
        var probe = new Probe();
        CurrentProbe.Value = probe;
        return probe;
    }

    public int this[string key] => Counts.GetValueOrDefault(key);

    public void Hit(string key) => Counts.AddOrUpdate(key, 1, (_, n) => n + 1);
}
