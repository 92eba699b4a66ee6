using System.Globalization;
using Stampede;

// The same user as the peers harness's locustfile.py: one GET of BENCH_PATH per task, a constant
// BENCH_WAIT seconds between tasks (0 = none).
GcLog.StartIfAsked();
if (Environment.GetEnvironmentVariable("BENCH_GC_LATENCY") is { Length: > 0 } latency)
{
    System.Runtime.GCSettings.LatencyMode = Enum.Parse<System.Runtime.GCLatencyMode>(latency);
}

return await StampedeApp.RunAsync(args, typeof(BenchUser));

/// <summary>Requests BENCH_PATH in a loop.</summary>
internal sealed class BenchUser : HttpUser
{
    private static readonly string BenchPath = Environment.GetEnvironmentVariable("BENCH_PATH") ?? "/small";
    private static readonly WaitTime Wait = double.Parse(Environment.GetEnvironmentVariable("BENCH_WAIT") ?? "0", CultureInfo.InvariantCulture) is > 0 and var seconds
        ? WaitTime.Constant(seconds)
        : WaitTime.Zero;

    public override WaitTime WaitTime => Wait;

    [Task]
    public Task Get() => Client.GetAsync(BenchPath);
}
