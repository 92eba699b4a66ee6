using Microsoft.Extensions.Time.Testing;
using Stampede.Load;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Load;

/// <summary><see cref="LoadTest.SetUsers"/>: the live dashboard's "change the user count" while a run goes on.</summary>
public sealed class LoadTestSetUsersTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task SetUsers_WhileRunning_RampsUpThenDownToTheNewTargetFromTheNextSecond()
    {
        Probe probe = Probe.Start();
        using var test = new LoadTest(new LoadTestOptions { Users = 2, SpawnRate = 10 }, [typeof(LoadTestTests.TickUser)], _time);
        Task<RunResult> run = test.RunAsync();
        await AdvanceUntilAsync(() => test.Users == 2, "the first two users run");

        test.SetUsers(5, 10);
        test.Users.ShouldBe(2, "the new target applies from the next second, not at once");
        await AdvanceUntilAsync(() => test.Users == 5, "five users run after the change");
        await Eventually.TrueAsync(() => probe["start"] == 5, "five users started, no more");

        test.SetUsers(1, 10);
        await AdvanceUntilAsync(() => test.Users == 1, "one user is left after lowering the target");
        await LoadTestTests.AdvancedPastAsync(test, _time, 5);
        test.Users.ShouldBe(1, "the options' two users must not come back on later ticks");

        test.Stop();
        RunResult result = await run.WaitAsync(TimeSpan.FromSeconds(10));
        result.StopReason.ShouldBe(StopReason.Interrupted);
        probe["start"].ShouldBe(5);
        probe["stop"].ShouldBe(5);
    }

    [Fact]
    public async Task SetUsers_ShapeThatWouldEnd_TheTargetReplacesTheShape()
    {
        Probe.Start();
        var options = new LoadTestOptions { Shape = LoadShapes.Stages(new Stage(TimeSpan.FromSeconds(2), 1, 10)) };
        using var test = new LoadTest(options, [typeof(LoadTestTests.TickUser)], _time);
        Task<RunResult> run = test.RunAsync();
        await AdvanceUntilAsync(() => test.Users == 1, "the stage's user runs");

        test.SetUsers(3, 10);
        await AdvanceUntilAsync(() => test.Users == 3, "three users run");
        await Task.WhenAny(run, LoadTestTests.AdvancedPastAsync(test, _time, 5));

        run.IsCompleted.ShouldBeFalse("the 2 s stage is over, but the set target replaced the shape");
        test.Stop();
        (await run.WaitAsync(TimeSpan.FromSeconds(10))).StopReason.ShouldBe(StopReason.Interrupted);
    }

    [Theory]
    [InlineData(-1, 1.0, "users")]
    [InlineData(3, 0.0, "spawnRate")]
    [InlineData(3, double.NaN, "spawnRate")]
    public void SetUsers_InvalidTarget_ThrowsNamingTheArgument(int users, double spawnRate, string parameter)
    {
        using var test = new LoadTest(new LoadTestOptions(), [typeof(LoadTestTests.TickUser)], _time);

        Should.Throw<ArgumentOutOfRangeException>(() => test.SetUsers(users, spawnRate)).ParamName.ShouldBe(parameter);
    }

    [Fact]
    public void SetUsers_OpenModel_ThrowsBecauseThereIsNoUserTarget()
    {
        using var test = new LoadTest(new LoadTestOptions { Rate = 10 }, [typeof(LoadTestTests.TickUser)], _time);

        Should.Throw<InvalidOperationException>(() => test.SetUsers(3, 1)).Message.ShouldContain("open model");
    }

    private void Advance(double seconds) => _time.Advance(TimeSpan.FromSeconds(seconds));

    /// <summary>Moves the fake clock in small steps, letting continuations run between them, until <paramref name="condition"/> holds.</summary>
    private async Task AdvanceUntilAsync(Func<bool> condition, string because, double step = 0.05, double max = 10)
    {
        for (double moved = 0; !condition(); moved += step)
        {
            if (moved > max)
            {
                throw new TimeoutException($"{because} did not happen within {max} s of fake time.");
            }

            await Task.Delay(3);
            if (!condition())
            {
                Advance(step);
            }
        }
    }
}
