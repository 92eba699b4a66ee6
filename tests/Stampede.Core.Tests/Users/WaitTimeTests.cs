namespace Stampede.Core.Tests.Users;

public sealed class WaitTimeTests
{
    [Fact]
    public void Between_ManyDraws_StayInRangeWithUniformMean()
    {
        WaitTime wait = WaitTime.Between(0.5, 2.0);
        var random = new Random(42);

        double[] seconds = [.. Enumerable.Range(0, 20_000).Select(_ => wait.Next(random, TimeSpan.Zero).TotalSeconds)];

        seconds.Min().ShouldBeGreaterThanOrEqualTo(0.5);
        seconds.Max().ShouldBeLessThanOrEqualTo(2.0);
        seconds.Average().ShouldBe(1.25, 0.02);
    }

    [Fact]
    public void Constant_AnyTaskDuration_WaitsTheSame()
    {
        WaitTime wait = WaitTime.Constant(1.5);

        wait.Next(new Random(1), TimeSpan.FromSeconds(10)).ShouldBe(TimeSpan.FromSeconds(1.5));
        wait.Next(new Random(1), TimeSpan.Zero).ShouldBe(TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public void Zero_IsTheDefaultForAUserThatSetsNone()
    {
        new IdleUser().WaitTime.ShouldBe(WaitTime.Zero);
        WaitTime.Zero.Next(new Random(1), TimeSpan.FromSeconds(1)).ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData(0.3, 0.7)]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.0)]
    [InlineData(2.5, 0.0)]
    public void ConstantPacing_WaitsTheRestOfTheInterval(double taskSeconds, double expectedWait)
    {
        WaitTime wait = WaitTime.ConstantPacing(1.0);

        wait.Next(new Random(1), TimeSpan.FromSeconds(taskSeconds)).TotalSeconds.ShouldBe(expectedWait, 1e-9);
        wait.PacingInterval.ShouldBe(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void ConstantThroughput_FourPerSecond_PacesAQuarterSecond()
    {
        WaitTime wait = WaitTime.ConstantThroughput(4);

        wait.Next(new Random(1), TimeSpan.FromMilliseconds(100)).TotalMilliseconds.ShouldBe(150, 1e-6);
        wait.PacingInterval.ShouldBe(TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public void Factories_InvalidArguments_Throw()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => WaitTime.Between(2, 1));
        Should.Throw<ArgumentOutOfRangeException>(() => WaitTime.Between(-1, 1));
        Should.Throw<ArgumentOutOfRangeException>(() => WaitTime.Constant(double.NaN));
        Should.Throw<ArgumentOutOfRangeException>(() => WaitTime.ConstantPacing(0));
        Should.Throw<ArgumentOutOfRangeException>(() => WaitTime.ConstantThroughput(-5));
    }

    private sealed class IdleUser : User
    {
        [Task]
        public Task Idle() => Task.CompletedTask;
    }
}
