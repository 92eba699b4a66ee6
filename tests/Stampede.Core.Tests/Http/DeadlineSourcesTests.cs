using Stampede.Http;

namespace Stampede.Core.Tests.Http;

public sealed class DeadlineSourcesTests
{
    [Fact]
    public void Rent_AfterAReturnedRequest_ReusesItsSource()
    {
        using var kill = new CancellationTokenSource();
        using var deadlines = new DeadlineSources(kill.Token);

        CancellationTokenSource first = deadlines.Rent(TimeSpan.FromMinutes(1));
        deadlines.Return(first);
        CancellationTokenSource second = deadlines.Rent(TimeSpan.FromMinutes(1));

        second.ShouldBeSameAs(first);
        second.IsCancellationRequested.ShouldBeFalse();
    }

    [Fact]
    public void Rent_WhileOneIsOut_GivesAnotherSource()
    {
        using var kill = new CancellationTokenSource();
        using var deadlines = new DeadlineSources(kill.Token);

        CancellationTokenSource first = deadlines.Rent(TimeSpan.FromMinutes(1));
        CancellationTokenSource second = deadlines.Rent(TimeSpan.FromMinutes(1));

        second.ShouldNotBeSameAs(first);
    }

    [Fact]
    public async Task Rent_Timeout_CancelsAndTheSourceIsNotReused()
    {
        using var kill = new CancellationTokenSource();
        using var deadlines = new DeadlineSources(kill.Token);

        CancellationTokenSource timed = deadlines.Rent(TimeSpan.FromMilliseconds(20));
        await Task.Delay(Timeout.Infinite, timed.Token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10));
        timed.IsCancellationRequested.ShouldBeTrue();
        deadlines.Return(timed);

        deadlines.Rent(TimeSpan.FromMinutes(1)).ShouldNotBeSameAs(timed);
    }

    [Fact]
    public async Task Rent_ReusedSource_StillFollowsTheKillAndItsNewTimeoutOnly()
    {
        using var kill = new CancellationTokenSource();
        using var deadlines = new DeadlineSources(kill.Token);
        CancellationTokenSource first = deadlines.Rent(TimeSpan.FromMilliseconds(50));
        deadlines.Return(first); // before its timeout: the timer is stopped

        CancellationTokenSource reused = deadlines.Rent(TimeSpan.FromMinutes(1));
        await Task.Delay(150);
        reused.IsCancellationRequested.ShouldBeFalse("the first request's 50 ms timer must not fire on the next request");

        await kill.CancelAsync();
        reused.IsCancellationRequested.ShouldBeTrue();
    }
}
