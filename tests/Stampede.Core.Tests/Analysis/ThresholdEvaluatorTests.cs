using Stampede.Analysis;
using Stampede.Metrics;

namespace Stampede.Core.Tests.Analysis;

public sealed class ThresholdEvaluatorTests
{
    // 10 s at 100 requests/s of 1..1000 ms: the true p-th percentile is 10·p ms; every 100th request fails.
    private static readonly StatsSnapshot Run = new SnapshotBuilder()
        .Steady("predict", seconds: 10, perSecond: 100, latencyMs: i => (i % 1000) + 1, failureRatio: 0.01)
        .Steady("health", seconds: 10, perSecond: 10, latencyMs: _ => 2, method: "GET")
        .Build(10);

    [Theory]
    [InlineData("\"predict\": p95<960ms", nameof(CheckOutcome.Passed), 950)]
    [InlineData("\"predict\": p95<940ms", nameof(CheckOutcome.Failed), 950)]
    [InlineData("\"predict\": avg<=500.5ms", nameof(CheckOutcome.Passed), 500.5)]
    [InlineData("\"predict\": med>501ms", nameof(CheckOutcome.Failed), 500)]
    [InlineData("\"predict\": max<1s", nameof(CheckOutcome.Failed), 1000)]
    [InlineData("\"predict\": min>=1ms", nameof(CheckOutcome.Passed), 1)]
    [InlineData("\"predict\": error_rate<1%", nameof(CheckOutcome.Failed), 0.01)]
    [InlineData("\"predict\": error_rate<=1%", nameof(CheckOutcome.Passed), 0.01)]
    [InlineData("\"predict\": failures<10", nameof(CheckOutcome.Failed), 10)]
    [InlineData("\"POST predict\": requests>=1000", nameof(CheckOutcome.Passed), 1000)]
    [InlineData("\"health\": rps>=10", nameof(CheckOutcome.Passed), 10)]
    [InlineData("rps>110", nameof(CheckOutcome.Failed), 110)]
    [InlineData("\"health\": p99<3ms", nameof(CheckOutcome.Passed), 2)]
    public void Evaluate_WholeRun_MeasuresTheScopedRow(string expression, string outcome, double measured)
    {
        ThresholdResult result = ThresholdEvaluator.Evaluate(Threshold.Parse(expression), Run);

        result.Outcome.ShouldBe(Enum.Parse<CheckOutcome>(outcome));
        result.Measured.ShouldNotBeNull().ShouldBe(measured, measured * 0.001);
    }

    [Fact]
    public void Evaluate_NonStandardPercentile_ReadsTheRowHistogram()
    {
        ThresholdResult result = ThresholdEvaluator.Evaluate(Threshold.Parse("\"predict\": p97<1s"), Run);

        result.Measured.ShouldNotBeNull().ShouldBe(970, 970 * 0.001);
        result.Passed.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_NonStandardPercentileLive_MergesThePerSecondHistograms()
    {
        var builder = new SnapshotBuilder().Steady("predict", seconds: 10, perSecond: 100, latencyMs: i => (i % 1000) + 1);
        StatsSnapshot live = builder.Live(10.5);
        live.Rows.Single().Histogram.ShouldBeNull();

        ThresholdResult result = ThresholdEvaluator.Evaluate(Threshold.Parse("p97<1s"), live);

        result.Measured.ShouldNotBeNull().ShouldBe(970, 970 * 0.001);
    }

    [Fact]
    public void Evaluate_UnknownRow_IsNoDataNotAPass()
    {
        ThresholdResult result = ThresholdEvaluator.Evaluate(Threshold.Parse("\"predict tiny\": p95<1s"), Run);

        result.Outcome.ShouldBe(CheckOutcome.NoData);
        result.Passed.ShouldBeFalse();
        result.MeasuredText.ShouldBe("no data (no requests named \"predict tiny\")");
    }

    [Fact]
    public void Evaluate_NameWithTwoMethods_IsAmbiguousUntilTheMethodIsGiven()
    {
        StatsSnapshot run = new SnapshotBuilder()
            .Steady("/items", seconds: 2, perSecond: 10, latencyMs: _ => 5, method: "GET")
            .Steady("/items", seconds: 2, perSecond: 10, latencyMs: _ => 50, method: "POST")
            .Build(2);

        ThresholdEvaluator.Evaluate(Threshold.Parse("\"/items\": avg<10ms"), run).Note.ShouldBe(
            "\"/items\" names 2 rows with different methods; scope it as \"POST /items\"");
        ThresholdEvaluator.Evaluate(Threshold.Parse("\"GET /items\": avg<10ms"), run).Outcome.ShouldBe(CheckOutcome.Passed);
        ThresholdEvaluator.Evaluate(Threshold.Parse("\"POST /items\": avg<10ms"), run).Outcome.ShouldBe(CheckOutcome.Failed);
    }

    [Fact]
    public void ToString_ListsOutcomeExpressionAndMeasuredValue()
    {
        ThresholdResult result = ThresholdEvaluator.Evaluate(Threshold.Parse("\"predict\": error_rate<1%"), Run);

        result.ToString().ShouldBe("FAIL  \"predict\": error_rate<1%  error_rate = 1%");
    }

    [Fact]
    public void FindAborts_FailedAbortThreshold_StopsOnlyAfterItsGrace()
    {
        var builder = new SnapshotBuilder().Steady("predict", seconds: 20, perSecond: 10, latencyMs: _ => 500);
        Threshold[] thresholds =
        [
            Threshold.Parse("p95<300ms abort after 15s"),
            Threshold.Parse("avg<300ms"),
            Threshold.Parse("p95<1s abort"),
        ];

        ThresholdEvaluator.FindAborts(thresholds, builder.Live(10)).ShouldBeEmpty();
        ThresholdEvaluator.FindAborts(thresholds, builder.Live(16)).Select(r => r.Threshold).ShouldBe([thresholds[0]]);
    }

    [Fact]
    public void FindAborts_NoRequestsYet_DoesNotAbort()
    {
        StatsSnapshot live = new SnapshotBuilder().Live(5);

        ThresholdEvaluator.FindAborts([Threshold.Parse("error_rate<1% abort")], live).ShouldBeEmpty();
    }
}
