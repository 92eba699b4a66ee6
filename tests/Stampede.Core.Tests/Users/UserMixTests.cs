namespace Stampede.Core.Tests.Users;

public sealed class UserMixTests
{
    private static readonly string[] None = [];

    [Fact]
    public void ClassAt_WeightsThreeToOne_EveryPrefixIsWithinOneUserOfTheRatio()
    {
        var mix = new UserMix([Info<HeavyUser>(), Info<LightUser>()]);

        for (int n = 1; n <= 100; n++)
        {
            int heavy = Enumerable.Range(0, n).Count(i => mix.ClassAt(i)!.Type == typeof(HeavyUser));
            heavy.ShouldBeInRange((int)Math.Floor(n * 0.75) - 1, (int)Math.Ceiling(n * 0.75) + 1, $"after {n} users");
        }
    }

    [Fact]
    public void ClassAt_FixedCountClass_ComesFirstThenOnlyWeighted()
    {
        var mix = new UserMix([Info<HeavyUser>(), Info<AdminUser>()]);

        mix.ClassAt(0)!.Type.ShouldBe(typeof(AdminUser));
        mix.ClassAt(1)!.Type.ShouldBe(typeof(AdminUser));
        Enumerable.Range(2, 20).All(i => mix.ClassAt(i)!.Type == typeof(HeavyUser)).ShouldBeTrue();
    }

    [Fact]
    public void ClassAt_OnlyFixedClasses_EndsAfterTheirCount()
    {
        var mix = new UserMix([Info<AdminUser>()]);

        mix.ClassAt(1).ShouldNotBeNull();
        mix.ClassAt(2).ShouldBeNull();
    }

    private static UserClassInfo Info<T>() => UserClassInfo.Create(typeof(T), None, None)!;

    [Weight(3)]
    internal sealed class HeavyUser : User
    {
        [Task]
        public Task Work() => Task.CompletedTask;
    }

    internal sealed class LightUser : User
    {
        [Task]
        public Task Work() => Task.CompletedTask;
    }

    [FixedCount(2)]
    internal sealed class AdminUser : User
    {
        [Task]
        public Task Work() => Task.CompletedTask;
    }
}
