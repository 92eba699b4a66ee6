using Stampede.Load;

namespace Stampede.Core.Tests.Load;

public sealed class UserRampTests
{
    [Fact]
    public void Step_TwoUsersPerSecond_StartsOneEveryHalfSecondFromZero()
    {
        var ramp = new UserRamp();
        var target = new LoadTarget(5, 2);

        ramp.Step(0.0, target).ShouldBe(1);
        ramp.NextChangeAt.ShouldBe(0.5);
        ramp.Step(0.49, target).ShouldBe(0);
        ramp.Step(0.5, target).ShouldBe(1);
        ramp.Step(1.0, target).ShouldBe(1);
        ramp.Step(5.0, target).ShouldBe(2); // a late loop catches up, but never past the target
        ramp.Users.ShouldBe(5);
        ramp.NextChangeAt.ShouldBeNull();
    }

    [Fact]
    public void Step_FractionalRate_StartsOneUserEveryTwoSeconds()
    {
        var ramp = new UserRamp();
        var target = new LoadTarget(3, 0.5);

        int[] users = [.. new[] { 0.0, 1.0, 1.99, 2.0, 3.0, 4.0 }.Select(t => { ramp.Step(t, target); return ramp.Users; })];

        users.ShouldBe([1, 1, 1, 2, 2, 3]);
    }

    [Fact]
    public void Step_TargetDrops_StopsUsersAtTheSpawnRate()
    {
        var ramp = new UserRamp();
        ramp.Step(0, new LoadTarget(10, 1000));
        ramp.Step(1, new LoadTarget(10, 1000));
        ramp.Users.ShouldBe(10);

        ramp.Step(10.0, new LoadTarget(4, 2)).ShouldBe(-1);
        ramp.Step(10.5, new LoadTarget(4, 2)).ShouldBe(-1);
        ramp.Step(13.0, new LoadTarget(4, 2)).ShouldBe(-4);
        ramp.Users.ShouldBe(4);
    }
}
