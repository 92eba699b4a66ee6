using Stampede.Load;
using Stampede.Metrics;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Load;

public sealed class FirstRequestsTests : IAsyncLifetime
{
    private const double TimerSlackMs = 10;

    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task RunFirstRequestsAsync_TwoClasses_RunsEachTaskOnceInOrderAndReturnsEveryRequestTimed()
    {
        using var test = new LoadTest(new LoadTestOptions { Host = _server.Address, Users = 50 }, [typeof(TwoTaskUser), typeof(OtherUser), typeof(IdleUser)]);

        IReadOnlyList<FirstRequestSample> first = await test.RunFirstRequestsAsync();

        // One user per class that would run (IdleUser has weight 0), each task once, declaration order, whatever the weights.
        first.Select(s => s.Row.Name).ShouldBe(["slow", "fast", "other"]);
        first.ShouldAllBe(s => s.StatusCode == 200 && !s.Failed);
        // The server's 150 ms Task.Delay runs on the coarse timer and can end a few milliseconds early (CI saw it).
        first[0].LatencyMs.ShouldBeGreaterThanOrEqualTo(150 - TimerSlackMs);
        first[0].TimeToFirstByteMs.ShouldBeLessThanOrEqualTo(first[0].LatencyMs);
        first[1].SentAfterReadyMs.ShouldBeGreaterThanOrEqualTo(first[0].SentAfterReadyMs + 150 - TimerSlackMs);
        _server.Requests.ShouldBe(3);
        test.Latest.ShouldBeNull();
    }

    [Fact]
    public async Task RunFirstRequestsAsync_Cancelled_ReturnsWhatCompleted()
    {
        using var test = new LoadTest(new LoadTestOptions { Host = _server.Address }, [typeof(TwoTaskUser)]);
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        IReadOnlyList<FirstRequestSample> first = await test.RunFirstRequestsAsync(cancel.Token);

        first.ShouldBeEmpty();
    }

    internal sealed class TwoTaskUser : HttpUser
    {
        public override WaitTime WaitTime => WaitTime.Constant(30);

        [Task(1)]
        public Task Slow() => Client.GetAsync("/delay?ms=150", name: "slow");

        [Task(100)]
        public Task Fast() => Client.GetAsync("/ok", name: "fast");
    }

    internal sealed class OtherUser : HttpUser
    {
        [Task]
        public Task Other() => Client.GetAsync("/ok", name: "other");
    }

    [Weight(0)]
    internal sealed class IdleUser : HttpUser
    {
        [Task]
        public Task Never() => Client.GetAsync("/ok", name: "never");
    }
}
