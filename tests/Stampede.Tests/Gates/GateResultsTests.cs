using Stampede.Analysis;
using Stampede.Gates;
using Stampede.Load;
using Stampede.Tests.Reports;

namespace Stampede.Tests.Gates;

public sealed class GateResultsTests
{
    [Fact]
    public void ExitCode_FailedThreshold_IsThreeEvenWithFailedRequests()
    {
        RunResult run = RunWithFailures(failures: 5);
        var gates = new GateResults { Thresholds = [Result("p95<300ms", CheckOutcome.Failed, 412)] };

        gates.ExitCode(run, exitCodeOnError: 1).ShouldBe(3);
        gates.Failures.ShouldHaveSingleItem().ShouldBe("p95<300ms (p95 = 412 ms)");
        gates.Describe().ShouldBe("; FAILED 1 of 1 checks: p95<300ms (p95 = 412 ms)");
    }

    [Fact]
    public void ExitCode_FailedRequestsWithinAPassingErrorRateThreshold_IsZero()
    {
        RunResult run = RunWithFailures(failures: 1);
        var gates = new GateResults { Thresholds = [Result("error_rate<5%", CheckOutcome.Passed, 0.01)] };

        gates.BoundsErrorRate.ShouldBeTrue();
        gates.ExitCode(run, exitCodeOnError: 1).ShouldBe(0);
        gates.Describe().ShouldBe("; all 1 checks passed");
    }

    [Theory]
    [InlineData("p95<300ms")]
    [InlineData("\"predict\": error_rate<5%")]
    [InlineData("error_rate>0.5%")]
    public void ExitCode_FailedRequestsWithoutAnUnscopedErrorBound_IsTheErrorCode(string expression)
    {
        RunResult run = RunWithFailures(failures: 1);
        var gates = new GateResults { Thresholds = [Result(expression, CheckOutcome.Passed, 1)] };

        gates.BoundsErrorRate.ShouldBeFalse();
        gates.ExitCode(run, exitCodeOnError: 7).ShouldBe(7);
    }

    [Fact]
    public void Failed_ThresholdWithoutData_CountsAsAFailure()
    {
        var gates = new GateResults { Thresholds = [new ThresholdResult(Threshold.Parse("\"nope\": p95<1s"), CheckOutcome.NoData, null, "no requests named \"nope\"")] };

        gates.Failed.ShouldBeTrue();
        gates.ExitCode(RunWithFailures(failures: 0), exitCodeOnError: 1).ShouldBe(3);
    }

    private static ThresholdResult Result(string expression, CheckOutcome outcome, double measured) =>
        new(Threshold.Parse(expression), outcome, measured);

    private static RunResult RunWithFailures(int failures)
    {
        var builder = new RunReportBuilder();
        for (int i = 0; i < 100; i++)
        {
            builder.Request("GET", "predict", TimeSpan.FromMilliseconds(10 * (i + 1)), TimeSpan.FromMilliseconds(5), error: i < failures ? "HTTP 503" : null);
        }

        return builder.Build(TimeSpan.FromSeconds(2)).Result;
    }
}
