using Stampede.Demo.Scaling;

namespace Stampede.Demo.Tests.Scaling;

public sealed class AutoscalePolicyTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static AutoscalePolicy Policy() =>
        new(new AutoscaleRange(1, 3), threshold: 4, scaleUpDelay: TimeSpan.FromSeconds(5), scaleDownDelay: TimeSpan.FromSeconds(30));

    [Fact]
    public void Evaluate_QueueLongForLessThanTheDelay_DoesNothing()
    {
        var policy = Policy();

        policy.Evaluate(Start, queueLength: 10, busyWorkers: 1, currentWorkers: 1).ShouldBe(0);
        policy.Evaluate(Start.AddSeconds(4.9), 10, 1, 1).ShouldBe(0);
    }

    [Fact]
    public void Evaluate_QueueLongForTheDelay_AddsOneWorkerThenWaitsAnotherDelay()
    {
        var policy = Policy();

        policy.Evaluate(Start, 10, 1, 1).ShouldBe(0);
        policy.Evaluate(Start.AddSeconds(5), 10, 1, 1).ShouldBe(+1);
        policy.Evaluate(Start.AddSeconds(6), 10, 2, 2).ShouldBe(0);
        policy.Evaluate(Start.AddSeconds(10), 10, 2, 2).ShouldBe(+1);
    }

    [Fact]
    public void Evaluate_QueueDipsToTheThreshold_RestartsTheClock()
    {
        var policy = Policy();

        policy.Evaluate(Start, 10, 1, 1).ShouldBe(0);
        policy.Evaluate(Start.AddSeconds(3), 4, 1, 1).ShouldBe(0);
        policy.Evaluate(Start.AddSeconds(4), 10, 1, 1).ShouldBe(0);
        policy.Evaluate(Start.AddSeconds(8), 10, 1, 1).ShouldBe(0);
        policy.Evaluate(Start.AddSeconds(9), 10, 1, 1).ShouldBe(+1);
    }

    [Fact]
    public void Evaluate_AtMaximum_NeverAdds()
    {
        var policy = Policy();

        policy.Evaluate(Start, 50, 3, 3).ShouldBe(0);
        policy.Evaluate(Start.AddMinutes(1), 50, 3, 3).ShouldBe(0);
    }

    [Fact]
    public void Evaluate_IdleForTheScaleDownDelay_RemovesOneWorkerDownToTheMinimum()
    {
        var policy = Policy();

        policy.Evaluate(Start, 0, 0, 3).ShouldBe(0);
        policy.Evaluate(Start.AddSeconds(29), 0, 0, 3).ShouldBe(0);
        policy.Evaluate(Start.AddSeconds(30), 0, 0, 3).ShouldBe(-1);
        policy.Evaluate(Start.AddSeconds(60), 0, 0, 2).ShouldBe(-1);
        policy.Evaluate(Start.AddSeconds(90), 0, 0, 1).ShouldBe(0);
    }

    [Fact]
    public void Evaluate_BusyWorker_IsNotIdle()
    {
        var policy = Policy();

        policy.Evaluate(Start, 0, 0, 2).ShouldBe(0);
        policy.Evaluate(Start.AddSeconds(20), 0, 1, 2).ShouldBe(0);
        policy.Evaluate(Start.AddSeconds(35), 0, 0, 2).ShouldBe(0);
        policy.Evaluate(Start.AddSeconds(65), 0, 0, 2).ShouldBe(-1);
    }

    [Theory]
    [InlineData(5_000, 30_000, 1_000)]
    [InlineData(1_000, 30_000, 250)]
    [InlineData(0, 30_000, 50)]
    public void ChooseInterval_QuarterOfTheShorterDelayWithinBounds(int upMs, int downMs, int expectedMs)
    {
        Autoscaler.ChooseInterval(TimeSpan.FromMilliseconds(upMs), TimeSpan.FromMilliseconds(downMs))
            .ShouldBe(TimeSpan.FromMilliseconds(expectedMs));
    }
}
