using Shouldly;
using Stampede.Analysis;
using Stampede.Experiments;
using Stampede.Metrics;
using Stampede.Core.Tests.Analysis;
using Xunit;

namespace Stampede.Core.Tests.Experiments;

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
    public void Progress_ThroughASearch_NamesThePhaseTheBracketAndTheStepsLeft()
    {
        var progress = new List<ExperimentProgress>();
        CapacityAnalysis result = Simulate(rate => rate <= 40 ? 100 : 100 + ((rate - 40) * 50), new CapacitySearchOptions { StartRate = 5, StepTime = TimeSpan.FromSeconds(3), StepWarmup = TimeSpan.FromSeconds(1) }, "p95<300ms", progress);

        ExperimentProgress first = progress[0];
        first.Phase.ShouldBe("grow");
        first.Step.ShouldBe(1);
        first.Rate.ShouldBe(5);
        first.SecondsLeft.ShouldBeNull("growing with no --max-rate: the end is unknown");
        first.Text.ShouldBe("Capacity search: step 1 (grow) at 5/s, 2 s left in it, first step");

        progress.ShouldContain(p => p.Phase == "drain" && p.Text.Contains("letting the target drain before step 6 at 60/s"));

        // 40/s passed, 80/s failed: halving 40 wide down to 5% of ~44 takes 5 steps of 3 s, as the search then does.
        ExperimentProgress bisect = progress.First(p => p.Phase == "bisect");
        bisect.LastPassRate.ShouldBe(40);
        bisect.FirstFailRate.ShouldBe(80);
        bisect.Text.ShouldContain("bracket 40–80/s");
        bisect.SecondsLeft.ShouldBe(bisect.StepSecondsLeft + (4 * 3));
        result.Steps.Count(s => s.Phase == "bisect").ShouldBe(5);
        progress.Where(p => p.Phase == "bisect").Select(p => p.SecondsLeft!.Value).ShouldBeInOrder(SortDirection.Descending);

        ExperimentProgress done = progress[^1];
        done.Phase.ShouldBe("done");
        done.SecondsLeft.ShouldBe(0);
        done.Step.ShouldBe(result.Steps.Count);
        done.Steps.Count.ShouldBe(result.Steps.Count);
        done.Text.ShouldBe($"Capacity search done after {result.Steps.Count} steps");
    }

    [Fact]
    public void Progress_GrowingTowardsMaxRate_BoundsTheTimeLeft()
    {
        var progress = new List<ExperimentProgress>();
        Simulate(_ => 50, new CapacitySearchOptions { StartRate = 5, MaxRate = 30, StepTime = TimeSpan.FromSeconds(2), StepWarmup = TimeSpan.Zero }, "p95<300ms", progress);

        // 5, 10, 20, 30/s, then at most a bisection of one growth factor (5 steps at 5%): 9 steps of 2 s, 1.3 s into the first.
        progress[0].SecondsLeft.ShouldBe(1 + (8 * 2));
        progress[0].Text.ShouldEndWith("first step, about 17 s left");
        (progress.Count - 1).ShouldBeLessThanOrEqualTo(progress[0].SecondsLeft!.Value, "the bound holds: the search took fewer seconds");
    }

    [Fact]
    public void Validate_BadSettings_NameTheSetting()
    {
        Should.Throw<ArgumentException>(() => new CapacitySearchOptions { StartRate = 0 }.Validate()).Message.ShouldContain("StartRate");
        Should.Throw<ArgumentException>(() => new CapacitySearchOptions { Precision = 1.5 }.Validate()).Message.ShouldContain("Precision");
        Should.Throw<ArgumentException>(() => new CapacitySearchOptions { StepTime = TimeSpan.FromSeconds(5), StepWarmup = TimeSpan.FromSeconds(5) }.Validate()).Message.ShouldContain("StepWarmup");
    }

    /// <summary>Runs a search against a simulated target second by second, as the run's pump drives it.</summary>
    [Theory]
    [InlineData(50, 12)] // a backlog that never drains: the pause ends after three step times
    [InlineData(1, 1)] // drained (2 or fewer in flight): the next step starts at once
    public void OnSecond_AfterAFailingStep_PausesUntilTheTargetDrainsOrThreeStepTimes(int busy, int pausedSeconds)
    {
        // 5/s passes, 10/s fails; 4-second steps. An LLM server's backlog takes longer than one step to drain.
        var options = new CapacitySearchOptions { StartRate = 5, StepTime = TimeSpan.FromSeconds(4), StepWarmup = TimeSpan.Zero };
        var search = new CapacitySearch(options, [Threshold.Parse("p95<300ms")]);
        var builder = new SnapshotBuilder();
        double rate = 5;
        long? coolingFrom = null;
        long? resumedAt = null;
        for (int second = 0; second < 60 && resumedAt is null; second++)
        {
            builder.Steady("predict", seconds: 1, perSecond: (int)rate, _ => rate <= 5 ? 100 : 900, fromSecond: second);
            (double Rate, long AtSecond)? next = search.OnSecond(builder.Live(second + 1.3).History, second + 1.3, busyIterations: coolingFrom is null ? 0 : busy);
            if (next is { } change && coolingFrom is null && rate > 5)
            {
                coolingFrom = change.AtSecond; // the trickle after the failing step
            }
            else if (next is { } resume && coolingFrom is not null)
            {
                resumedAt = resume.AtSecond;
                resume.Rate.ShouldBe(7.5);
            }

            if (next is { } set)
            {
                rate = set.Rate;
            }
        }

        (resumedAt - coolingFrom).ShouldBe(pausedSeconds);
    }

    private static CapacityAnalysis Simulate(Func<double, double> p95Ms, CapacitySearchOptions options, string slo, List<ExperimentProgress>? progress = null)
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
            progress?.Add(search.Progress(second + 1.3));
        }

        search.Finished.ShouldBeTrue();
        return search.Result(limitedBy: null);
    }
}
