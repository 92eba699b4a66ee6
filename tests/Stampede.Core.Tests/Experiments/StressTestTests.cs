using Shouldly;
using Stampede.Experiments;
using Stampede.Metrics;
using Stampede.Core.Tests.Analysis;
using Xunit;

namespace Stampede.Core.Tests.Experiments;

public sealed class StressTestTests
{
    [Fact]
    public void OnSecond_TargetFailingAbove30PerSecond_BreaksAtTheRightStepAndRecovers()
    {
        // 10% of requests fail at 40/s and above (the queue is full); the target is healthy again at 20/s.
        BreakingPointAnalysis result = Simulate(rate => rate >= 40 ? (100, 0.1) : (100, 0), new StressTestOptions { StartRate = 10, StepTime = TimeSpan.FromSeconds(3), RecoveryTime = TimeSpan.FromSeconds(5) });

        result.Rate.ShouldBe(30, string.Join(Environment.NewLine, result.Steps));
        result.BrokeAtRate.ShouldBe(40);
        result.FailureMode.ShouldBe("http-5xx");
        result.FailureCounts["http-5xx"].ShouldBeGreaterThan(0);
        result.Recovered.ShouldBe(true);
        result.RecoveryRate.ShouldBe(20);
        result.Steps.Select(s => s.Phase).ShouldBe(["step", "step", "step", "step", "recovery"]);
    }

    [Fact]
    public void OnSecond_LatencyExplodesWithoutErrors_BreaksOnLatencyAndDoesNotRecover()
    {
        // p99 tenfold past 20/s; it stays slow even at the recovery rate (a wedged server).
        bool wedged = false;
        BreakingPointAnalysis result = Simulate(
            rate =>
            {
                wedged |= rate >= 30;
                return (wedged ? 2000 : 100, 0);
            },
            new StressTestOptions { StartRate = 10, StepTime = TimeSpan.FromSeconds(2), RecoveryTime = TimeSpan.FromSeconds(4) });

        result.BrokeAtRate.ShouldBe(30);
        result.FailureMode.ShouldBe("latency");
        result.Recovered.ShouldBe(false);
        result.RecoverySeconds.ShouldBeNull();
    }

    [Fact]
    public void OnSecond_RecoveryPhase_ReportsItsOwnPercentilesAndErrorRate()
    {
        // At the recovery rate (20/s) the target answers in 50 ms and fails one request in 20: the recovery row says so.
        BreakingPointAnalysis result = Simulate(
            rate => rate >= 40 ? (100, 0.1) : rate == 20 ? (50, 0.05) : (100, 0),
            new StressTestOptions { StartRate = 10, StepTime = TimeSpan.FromSeconds(3), RecoveryTime = TimeSpan.FromSeconds(10) });

        CapacityStep recovery = result.Steps[^1];
        recovery.Phase.ShouldBe("recovery");
        recovery.P50Ms.ShouldNotBeNull().ShouldBe(50, tolerance: 1);
        recovery.P95Ms.ShouldNotBeNull().ShouldBe(50, tolerance: 1);
        recovery.P99Ms.ShouldNotBeNull().ShouldBe(50, tolerance: 1);
        recovery.ErrorRate.ShouldBe(0.05, tolerance: 0.001);
        recovery.Requests.ShouldBe(200);
        result.Recovered.ShouldBe(false);
    }

    [Fact]
    public void Progress_ThroughAStressTest_ShowsTheStepThenTheRecoveryThenDone()
    {
        var progress = new List<ExperimentProgress>();
        Simulate(rate => rate >= 40 ? (100, 0.1) : (100, 0), new StressTestOptions { StartRate = 10, StepTime = TimeSpan.FromSeconds(3), RecoveryTime = TimeSpan.FromSeconds(5), MaxSteps = 10 }, progress);

        progress[0].Phase.ShouldBe("step");
        progress[0].Text.ShouldBe("Stress test: step 1 at 10/s, 2 s left in it");
        // At most 10 steps of 3 s, then 5 s of recovery.
        progress[0].SecondsLeft.ShouldBe(2 + (9 * 3) + 5);
        progress.ShouldContain(p => p.Phase == "step" && p.Text == "Stress test: step 2 at 20/s, 3 s left in it, last 10/s held");
        ExperimentProgress recovery = progress.First(p => p.Phase == "recovery");
        recovery.FirstFailRate.ShouldBe(40);
        recovery.LastPassRate.ShouldBe(30);
        recovery.Text.ShouldStartWith("Stress test: broke at 40/s; recovering at 20/s, ");
        recovery.SecondsLeft.ShouldBe(recovery.StepSecondsLeft);
        progress[^1].Phase.ShouldBe("done");
        progress[^1].Steps.Select(s => s.Phase).ShouldBe(["step", "step", "step", "step", "recovery"]);
    }

    [Theory]
    [InlineData("HTTP 503 Service Unavailable", "http-5xx")]
    [InlineData("HTTP 429 Too Many Requests", "http-429")]
    [InlineData("Timeout: no complete response within 60 s", "timeouts")]
    [InlineData("ConnectionRefused: the server refused the connection", "refused")]
    [InlineData("ConnectionReset: the server reset the connection", "resets")]
    [InlineData("HTTP 404 Not Found", "other-errors")]
    public void ModeOf_FailureReason_IsItsMode(string error, string mode) => StressTest.ModeOf(error).ShouldBe(mode);

    private static BreakingPointAnalysis Simulate(Func<double, (double LatencyMs, double FailureRatio)> target, StressTestOptions options, List<ExperimentProgress>? progress = null)
    {
        var builder = new SnapshotBuilder();
        var test = new StressTest(options);
        double rate = options.StartRate;
        (double Rate, long AtSecond)? pending = null;
        for (int second = 0; second < 300 && !test.Finished; second++)
        {
            if (pending is { } change && second >= change.AtSecond)
            {
                rate = change.Rate;
                pending = null;
            }

            (double latency, double failures) = target(rate);
            builder.Steady("predict", seconds: 1, perSecond: Math.Max(1, (int)Math.Round(rate)), _ => latency, failureRatio: failures, fromSecond: second);
            StatsSnapshot live = builder.Live(second + 1.3);
            pending = test.OnSecond(live, busyIterations: 0) ?? pending;
            progress?.Add(test.Progress(live.Elapsed.TotalSeconds));
        }

        test.Finished.ShouldBeTrue();
        return test.Result();
    }
}
