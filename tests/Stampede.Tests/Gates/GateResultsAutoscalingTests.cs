using Stampede.Analysis;
using Stampede.Gates;
using Stampede.Load;
using Stampede.Tests.Reports;

namespace Stampede.Tests.Gates;

/// <summary>The autoscaling verdict as one of the run's checks.</summary>
public sealed class GateResultsAutoscalingTests
{
    [Fact]
    public void Evaluate_FailedAutoscaling_IsTheOneCheckAndExitsThree()
    {
        RunResult run = Run(failures: 0) with { Autoscaling = Verdict(passed: false), Thresholds = [Passed("p95<300ms")] };

        GateResults gates = GateResults.Evaluate(new GateInputs { Thresholds = [Threshold.Parse("p95<300ms")] }, run);

        gates.Thresholds.ShouldBeEmpty("the thresholds judged recovery, not the whole run");
        gates.Count.ShouldBe(1);
        gates.Failed.ShouldBeTrue();
        gates.Failures.ShouldHaveSingleItem().ShouldBe("autoscaling FAIL (recovered too late: 12 s after the spike, more than --max-recovery 1 s)");
        gates.ExitCode(run, exitCodeOnError: 1).ShouldBe(3);
        gates.Describe().ShouldBe("; FAILED 1 of 1 checks: autoscaling FAIL (recovered too late: 12 s after the spike, more than --max-recovery 1 s)");
    }

    [Fact]
    public void Evaluate_PassedAutoscalingWithRequestsFailedInTheSpike_ExitsZero()
    {
        RunResult run = Run(failures: 5) with { Autoscaling = Verdict(passed: true) };

        GateResults gates = GateResults.Evaluate(new GateInputs { Thresholds = [Threshold.Parse("p95<300ms")] }, run);

        gates.IsEmpty.ShouldBeFalse();
        gates.Failed.ShouldBeFalse();
        gates.BoundsErrorRate.ShouldBeTrue();
        gates.ExitCode(run, exitCodeOnError: 1).ShouldBe(0);
        gates.Describe().ShouldBe("; all 1 checks passed");
    }

    [Fact]
    public void Evaluate_WithoutAutoscaling_JudgesTheThresholdsOverTheWholeRunAsBefore()
    {
        RunResult run = Run(failures: 5) with { Thresholds = [Passed("p95<300ms")] };

        GateResults gates = GateResults.Evaluate(new GateInputs { Thresholds = [Threshold.Parse("p95<300ms")] }, run);

        gates.Autoscaling.ShouldBeNull();
        gates.Thresholds.ShouldHaveSingleItem();
        gates.ExitCode(run, exitCodeOnError: 1).ShouldBe(1);
    }

    private static ThresholdResult Passed(string expression) => new(Threshold.Parse(expression), CheckOutcome.Passed, 1);

    private static AutoscalingAnalysis Verdict(bool passed) => new()
    {
        Verdict = passed ? "PASS" : "FAIL",
        Reason = passed ? "recovered 12 s after the spike, within --max-recovery 60 s" : "recovered too late: 12 s after the spike, more than --max-recovery 1 s",
        Series = "stampede_demo_workers_current",
        StableForSeconds = 10,
        MaxRecoverySeconds = passed ? 60 : 1,
        OfferedUnit = "iterations/s",
        SpikeAtSecond = 10,
        RecoverySeconds = 12,
    };

    private static RunResult Run(int failures)
    {
        var builder = new RunReportBuilder();
        for (int i = 0; i < 100; i++)
        {
            builder.Request("GET", "predict", TimeSpan.FromMilliseconds(10 * (i + 1)), TimeSpan.FromMilliseconds(5), error: i < failures ? "HTTP 503" : null);
        }

        return builder.Build(TimeSpan.FromSeconds(2)).Result;
    }
}
