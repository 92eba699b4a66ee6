using Shouldly;
using Stampede.Load;
using Xunit;

namespace Stampede.Core.Tests.Load;

public sealed class ArrivalScheduleRateChangeTests
{
    [Fact]
    public void SetRate_SteadyScheduleChangedAtTenSeconds_ArrivalsFollowTheNewRateFromThere()
    {
        var schedule = new ArrivalSchedule(10, [], ArrivalProcess.Constant, 1, new Random(1));
        var times = new List<double>();
        while (schedule.TryNext(out double t) && t < 5)
        {
            times.Add(t);
        }

        schedule.SetRate(40, atSeconds: 10);
        while (schedule.TryNext(out double t) && t < 12)
        {
            times.Add(t);
        }

        ((double)times.Count(t => t < 10)).ShouldBe(100, 1);
        ((double)times.Count(t => t >= 10 && t < 11)).ShouldBe(40, 1);
        schedule.RateAt(9.9).ShouldBe(10);
        schedule.RateAt(10.5).ShouldBe(40);
        schedule.ExpectedCount(0, 12).ShouldBe(180, 1e-9);
    }

    [Fact]
    public void SetRate_ScheduleWithStages_Throws()
    {
        var schedule = new ArrivalSchedule(10, [new RateStage(TimeSpan.FromSeconds(5), 20)], ArrivalProcess.Constant, 1, new Random(1));

        Should.Throw<InvalidOperationException>(() => schedule.SetRate(40, 1));
    }
}
