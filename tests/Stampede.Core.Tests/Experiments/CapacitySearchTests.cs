using Shouldly;
using Stampede.Analysis;
using Stampede.Experiments;
using Stampede.Metrics;
using Stampede.Tests.Analysis;
using Xunit;

namespace Stampede.Tests.Experiments;

public sealed class CapacitySearchTests
{
    [Fact]
    public void OnSecond_TargetWhoseLatencyBreaksTheSloAbove44PerSecond_FindsTheCapacityWithinThePrecision()
    {
        // p95 = 100 ms up to 40/s, then 50 ms more per 1/s: p95<300ms holds up to 44/s.
        CapacityAnalysis result = Simulate(rate => rate <= 40 ? 100 : 100 + ((rate - 40) * 50), new CapacitySearchOptions { StartRate = 5, StepTime = TimeSpan.FromSeconds(3), StepWarmup = TimeSpan.FromSeconds(1) }, "p95<300ms");

        result.Valid.ShouldBeTrue(result.Summary);
        result.MaxRate!.Value.ShouldBeInRange(44 * 0.95, 44);
        result.Steps.Select(s => s.Rate).Take(5).ShouldBe([5, 10, 20, 40, 80]);
        result.Steps.Where(s => s.Phase == "grow").Select(s => s.Pass).ShouldBe([true, true, true, true, false]);
        result.Steps.ShouldContain(s => s.Phase == "bisect");
        result.Steps.Single(s => s.Rate == 80).Reason.ShouldContain("p95<300ms (p95 = ");
        result.Summary.ShouldStartWith("Capacity under the SLO (p95<300ms): ");
    }

    [Fact]
    public void OnSecond_FirstStepFails_EndsWithNoCapacityAndSaysStartLower()
    {
        CapacityAnalysis result = Simulate(_ => 900, new CapacitySearchOptions { StartRate = 5, StepTime = TimeSpan.FromSeconds(2), StepWarmup = TimeSpan.Zero }, "p95<300ms");

        result.MaxRate.ShouldBeNull();
        result.Steps.ShouldHaveSingleItem().Pass.ShouldBeFalse();
        result.Summary.ShouldContain("start lower with --rate");
    }

    [Fact]
    public void OnSecond_MaxRateStillPasses_EndsAtLeastThere()
    {
        CapacityAnalysis result = Simulate(_ => 50, new CapacitySearchOptions { StartRate = 5, MaxRate = 30, StepTime = TimeSpan.FromSeconds(2), StepWarmup = TimeSpan.Zero }, "p95<300ms");

        result.AtLeast.ShouldBeTrue();
        result.MaxRate.ShouldBe(30);
        result.Steps.Select(s => s.Rate).ShouldBe([5, 10, 20, 30]);
    }

    [Fact]
    public void Validate_BadSettings_NameTheSetting()
    {
        Should.Throw<ArgumentException>(() => new CapacitySearchOptions { StartRate = 0 }.Validate()).Message.ShouldContain("StartRate");
        Should.Throw<ArgumentException>(() => new CapacitySearchOptions { Precision = 1.5 }.Validate()).Message.ShouldContain("Precision");
        Should.Throw<ArgumentException>(() => new CapacitySearchOptions { StepTime = TimeSpan.FromSeconds(5), StepWarmup = TimeSpan.FromSeconds(5) }.Validate()).Message.ShouldContain("StepWarmup");
    }

    /// <summary>Runs a search against a simulated target second by second, as the run's pump drives it.</summary>
    private static CapacityAnalysis Simulate(Func<double, double> p95Ms, CapacitySearchOptions options, string slo)
    {
        var builder = new SnapshotBuilder();
        var search = new CapacitySearch(options, [Threshold.Parse(slo)]);
        double rate = options.StartRate;
        (double Rate, long AtSecond)? pending = null;
        for (int second = 0; second < 600 && !search.Finished; second++)
        {
            if (pending is { } change && second >= change.AtSecond)
            {
                rate = change.Rate;
                pending = null;
            }

            double latency = p95Ms(rate);
            builder.Steady("predict", seconds: 1, perSecond: Math.Max(1, (int)Math.Round(rate)), _ => latency, fromSecond: second);
            StatsSnapshot live = builder.Live(second + 1.3);
            pending = search.OnSecond(live.History, second + 1.3) ?? pending;
        }

        search.Finished.ShouldBeTrue();
        return search.Result(limitedBy: null);
    }
}
