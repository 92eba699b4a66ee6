using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Stampede.Cluster;
using Stampede.Core.Tests.Infrastructure;
using Stampede.Load;

namespace Stampede.Core.Tests.Load;

/// <summary>
/// A distributed run's shares: agents that each run their partition of the plan send, together, what one generator
/// would have sent (the same users and classes in the closed model, the same arrivals in the open model).
/// </summary>
public sealed class LoadPartitionTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 3)]
    [InlineData(2, 3)]
    [InlineData(10, 3)]
    [InlineData(11, 4)]
    [InlineData(100, 7)]
    public void Share_AnyTotal_SharesAddUpAndDifferByAtMostOne(int total, int agents)
    {
        int[] shares = [.. Enumerable.Range(0, agents).Select(i => LoadPartition.Share(total, i, agents))];

        shares.Sum().ShouldBe(total);
        (shares.Max() - shares.Min()).ShouldBeLessThanOrEqualTo(1);
        shares.ShouldBe(shares.OrderDescending().ToArray(), "the lower indices take the extra users");
    }

    [Fact]
    public void Owns_AfterReplan_SurvivorsDealFromTheNewEpoch()
    {
        var survivor = new LoadPartition(2, 3);
        survivor.Replan(1, 2, fromSeconds: 5);

        survivor.Owns(2, dueSeconds: 1).ShouldBeTrue();
        survivor.Owns(3, dueSeconds: 1).ShouldBeFalse();
        survivor.Owns(3, dueSeconds: 5).ShouldBeTrue("arrival 3 is 1 mod 2 in the new epoch");
        survivor.Owns(4, dueSeconds: 6).ShouldBeFalse();
        survivor.Share(11).ShouldBe(5);
    }

    [Theory]
    [InlineData(ArrivalProcess.Poisson)]
    [InlineData(ArrivalProcess.Constant)]
    public async Task RunAsync_ThreeAgents_UnionOfArrivalsIsTheOneGeneratorSchedule(ArrivalProcess arrivals)
    {
        LoadTestOptions Options() => new() { Rate = 40, Arrivals = arrivals, RunTime = TimeSpan.FromSeconds(2), Seed = 11, PreAllocatedUsers = 3 };

        Task<AgentRun>[] runs = [.. Enumerable.Range(0, 4).Select(i => i == 3 ? StartAgent(Options(), 0, 1) : StartAgent(Options(), i, 3))];
        await AdvanceUntilAsync(() => runs.All(r => r.IsCompleted));
        AgentRun[] done = await Task.WhenAll(runs);

        double[] single = done[3].Intended;
        double[] union = [.. done.Take(3).SelectMany(r => r.Intended).Order()];
        single.Length.ShouldBeGreaterThan(60);
        union.ShouldBe(single, tolerance: 1e-9);
        done.Take(3).ShouldAllBe(r => r.Intended.Length > 15, "each agent takes a third");
        done.Take(3).Sum(r => r.Result.Stats.Arrivals!.DueIterations).ShouldBe(done[3].Result.Stats.Arrivals!.DueIterations);
        done.Take(3).Select(r => r.UserIds).SelectMany(ids => ids).Distinct().Count()
            .ShouldBe(done.Take(3).Sum(r => r.UserIds.Length), "users on different agents draw different seeds");
    }

    [Fact]
    public async Task RunAsync_ThreeAgentsClosedModel_ClassesAndUserIdsAreTheOneGeneratorCrowds()
    {
        LoadTestOptions Options() => new() { Users = 11, SpawnRate = 100, RunTime = TimeSpan.FromSeconds(1), Seed = 3 };

        Task<AgentRun>[] runs = [.. Enumerable.Range(0, 4).Select(i => i == 3 ? StartAgent(Options(), 0, 1, typeof(HeavyUser), typeof(LightUser), typeof(AdminUser)) : StartAgent(Options(), i, 3, typeof(HeavyUser), typeof(LightUser), typeof(AdminUser)))];
        await AdvanceUntilAsync(() => runs.All(r => r.IsCompleted));
        AgentRun[] done = await Task.WhenAll(runs);

        string[] single = [.. done[3].Classes.Order()];
        string[] union = [.. done.Take(3).SelectMany(r => r.Classes).Order()];
        single.Length.ShouldBe(11);
        union.ShouldBe(single);
        single.Count(c => c == nameof(AdminUser)).ShouldBe(1);
        single.Count(c => c == nameof(HeavyUser)).ShouldBe(7);
        done.Take(3).Select(r => r.UserIds.Length).ShouldBe([4, 4, 3]);
        done.Take(3).SelectMany(r => r.UserIds).Order().ShouldBe(done[3].UserIds.Order());
    }

    private Task<AgentRun> StartAgent(LoadTestOptions options, int index, int count, params Type[] users) => Task.Run(async () =>
    {
        Probe probe = Probe.Start();
        long start = 0;
        options.Agent = new AgentHooks
        {
            Partition = new LoadPartition(index, count),
            WaitForStartAsync = _ => Task.FromResult(start = _time.GetTimestamp()),
            Report = _ => { },
        };
        using var test = new LoadTest(options, users.Length == 0 ? [typeof(StampIdUser)] : users, _time);
        RunResult result = await test.RunAsync();
        double[] intended = [.. ((ConcurrentQueue<ArrivalExecutorTests.Stamp>)probe.Settings.GetOrAdd("stamps", _ => new ConcurrentQueue<ArrivalExecutorTests.Stamp>()))
            .Select(s => (s.Intended - start) / (double)_time.TimestampFrequency).Order()];
        return new AgentRun(result, intended, [.. probe.UserIds.Distinct()], [.. ((ConcurrentDictionary<int, string>)probe.Settings.GetOrAdd("classes", _ => new ConcurrentDictionary<int, string>())).Values]);
    });

    private async Task AdvanceUntilAsync(Func<bool> condition)
    {
        for (int step = 0; !condition(); step++)
        {
            step.ShouldBeLessThan(2000, "the runs ended within 20 s of fake time");
            await Task.Delay(3);
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }
    }

    private sealed record AgentRun(RunResult Result, double[] Intended, int[] UserIds, string[] Classes);

    /// <summary>Notes its id and class once, then idles.</summary>
    internal abstract class NotingUser : User
    {
        private bool _noted;

        public override WaitTime WaitTime => WaitTime.Constant(0.5);

        [Task]
        public Task Note()
        {
            if (!_noted)
            {
                _noted = true;
                Probe.Current.UserIds.Enqueue(UserId);
                ((ConcurrentDictionary<int, string>)Probe.Current.Settings.GetOrAdd("classes", _ => new ConcurrentDictionary<int, string>()))[UserId] = GetType().Name;
            }

            return Task.CompletedTask;
        }
    }

    internal sealed class StampIdUser : ArrivalExecutorTests.StampingUser
    {
        [Task]
        public Task Go()
        {
            StampNow();
            Probe.Current.UserIds.Enqueue(UserId);
            return Task.CompletedTask;
        }
    }

    [Weight(7)]
    internal sealed class HeavyUser : NotingUser;

    [Weight(3)]
    internal sealed class LightUser : NotingUser;

    [FixedCount(1)]
    internal sealed class AdminUser : NotingUser;
}
