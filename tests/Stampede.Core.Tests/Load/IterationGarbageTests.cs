using System.Runtime.CompilerServices;
using Stampede.Core.Tests.Infrastructure;
using Stampede.Http;
using Stampede.Load;

namespace Stampede.Core.Tests.Load;

/// <summary>
/// What an iteration leaves behind while its user thinks: nothing of it may stay reachable, or every collection during
/// the think time promotes it (at 10,000 users, megabytes a collection: bench/peers/RESULTS-10k.md).
/// </summary>
public sealed class IterationGarbageTests
{
    [Fact]
    public async Task ThinkTime_TheFinishedTasksResultIsNoLongerReachable()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        Probe probe = Probe.Start();
        var options = new LoadTestOptions { Host = server.Address, Users = 1, SpawnRate = 10, RunTime = TimeSpan.FromSeconds(30) };
        using var test = new LoadTest(options, [typeof(ThinkingUser)]);
        Task<RunResult> run = test.RunAsync();
        try
        {
            await Eventually.TrueAsync(() => probe.Settings.ContainsKey("result"), "the user's first request has been checked");
            var result = (WeakReference)probe.Settings["result"];

            // The user goes on to its 30 s of think time a moment after the check: collect until the result is gone.
            await Eventually.TrueAsync(() => !IsAliveAfterCollecting(result), "a collection during the think time frees the finished request's result");
        }
        finally
        {
            test.Stop();
            await run.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsAliveAfterCollecting(WeakReference reference)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return reference.IsAlive;
    }

    internal sealed class ThinkingUser : HttpUser
    {
        public override WaitTime WaitTime => WaitTime.Constant(30);

        [Task]
        public Task Get() => Client.GetAsync("/ok", check: Remember);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Remember(HttpResult result) => Probe.Current.Settings.TryAdd("result", new WeakReference(result));
    }
}
