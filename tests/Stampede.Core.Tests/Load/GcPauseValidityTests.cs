using Stampede.Load;
using Stampede.Monitoring;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Load;

/// <summary>
/// A real run whose own process is paused by the garbage collector in every second: it must end INVALID, naming the
/// pauses, because every request in flight during a pause carries it. In the timing-sensitive collection: it runs
/// alone, as its forced collections would pause every other test of the process too.
/// </summary>
[Collection(nameof(TimingSensitive))]
public sealed class GcPauseValidityTests
{
    [Fact]
    public async Task RunAsync_ForcedBlockingCollectionsEverySecond_EndsInvalidNamingTheGcPauses()
    {
        using var test = new LoadTest(new LoadTestOptions { Users = 1, SpawnRate = 1, RunTime = TimeSpan.FromSeconds(4) }, [typeof(PausingUser)], TimeProvider.System);

        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));
        PausingUser.Release();

        GeneratorHealth health = result.Stats.Generator;
        health.Samples.ShouldContain(s => s.GcPauseMs > GeneratorMonitor.GcPauseBoundMs, $"pauses per second: {string.Join(", ", health.Samples.Select(s => s.GcPauseMs))}");
        result.Stats.History.ShouldContain(i => i.GeneratorBound);
        result.Validity.IsValid.ShouldBeFalse();
        result.Validity.Reasons.ShouldContain(r => r.Contains("the generator was bound") && r.Contains("GC paused the generator up to "));
        health.Warnings.ShouldContain(w => w.Message.Contains("counts as generator-bound"));
    }

    /// <summary>Holds a graph of a few million small objects and forces a blocking full collection every 0.2 s.</summary>
    internal sealed class PausingUser : User
    {
        private static object[]? _graph;

        public override WaitTime WaitTime => WaitTime.Constant(0.2);

        public static void Release() => _graph = null;

        public override Task OnStartAsync()
        {
            // 3 million live objects: marking them takes tens of ms even on a fast core, so every collection pauses.
            _graph ??= [.. Enumerable.Range(0, 3_000_000).Select(i => (object)new int[] { i })];
            return Task.CompletedTask;
        }

        [Task]
        public Task Collect()
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.KeepAlive(_graph);
            return Task.CompletedTask;
        }
    }
}
