using Stampede.Analysis;
using Stampede.Metrics;

namespace Stampede.Core.Tests.Analysis;

public sealed class SloEvaluatorTests
{
    private static SloObjective Latency(double percent, double underMs, string? row = null) =>
        new() { Name = "latency", Row = row, Kind = SloKind.Latency, LatencyLimitMs = underMs, AllowedBadRatio = 1 - (percent / 100) };

    private static SloObjective ErrorRate(double under, string? row = null) =>
        new() { Name = "errors", Row = row, Kind = SloKind.ErrorRate, AllowedBadRatio = under };

    [Fact]
    public void Evaluate_LatencyObjective_CountsRequestsOverTheLimit()
    {
        // Each second: 1..100 ms, so 5 of every 100 requests are over 95 ms.
        StatsSnapshot run = new SnapshotBuilder().Steady("predict", seconds: 10, perSecond: 100, latencyMs: i => (i % 100) + 1).Build(10);

        SloResult result = SloEvaluator.Evaluate(Latency(99, 95), run);

        result.Outcome.ShouldBe(CheckOutcome.Failed);
        result.Requests.ShouldBe(1000);
        result.BadRequests.ShouldBe(50);
        result.Compliance.ShouldBe(0.95, 1e-12);
        result.ErrorBudgetConsumed.ShouldBe(5, 1e-9); // 50 bad of 10 allowed
        result.WorstWindow.ShouldBe(new SloWindow(0, 10, 1000, 50)); // a run under a minute is one window
    }

    [Fact]
    public void Evaluate_LatencyObjectiveMet_ReportsTheBudgetShareUsed()
    {
        StatsSnapshot run = new SnapshotBuilder().Steady("predict", seconds: 10, perSecond: 100, latencyMs: i => (i % 100) + 1).Build(10);

        SloResult result = SloEvaluator.Evaluate(Latency(90, 95), run);

        result.Outcome.ShouldBe(CheckOutcome.Passed);
        result.ErrorBudgetConsumed.ShouldBe(0.5, 1e-9); // 50 bad of 100 allowed
    }

    [Fact]
    public void Evaluate_SlowMinuteInALongRun_FindsTheWorstSixtySecondWindow()
    {
        // 180 s at 100 requests/s, fast except seconds 100-109, when every request takes 500 ms.
        var builder = new SnapshotBuilder();
        builder.Steady("predict", seconds: 100, perSecond: 100, latencyMs: _ => 10);
        builder.Steady("predict", seconds: 10, perSecond: 100, latencyMs: _ => 500, fromSecond: 100);
        builder.Steady("predict", seconds: 70, perSecond: 100, latencyMs: _ => 10, fromSecond: 110);
        StatsSnapshot run = builder.Build(180);

        SloResult result = SloEvaluator.Evaluate(Latency(99, 400), run);

        result.BadRequests.ShouldBe(1000);
        result.Compliance.ShouldBe(1 - (1000.0 / 18000), 1e-12);
        result.WorstWindow.ShouldBe(new SloWindow(StartSecond: 50, Seconds: 60, Requests: 6000, BadRequests: 1000));
        result.WorstWindow!.Compliance.ShouldBe(5.0 / 6, 1e-12);
    }

    [Fact]
    public void Evaluate_ErrorRateObjectiveOnARow_CountsThatRowsFailures()
    {
        StatsSnapshot run = new SnapshotBuilder()
            .Steady("predict", seconds: 10, perSecond: 100, latencyMs: _ => 10, failureRatio: 0.004)
            .Steady("health", seconds: 10, perSecond: 100, latencyMs: _ => 1, failureRatio: 0.5, method: "GET")
            .Build(10);

        SloResult result = SloEvaluator.Evaluate(ErrorRate(0.005, row: "predict"), run);

        result.Outcome.ShouldBe(CheckOutcome.Passed);
        result.BadRequests.ShouldBe(4);
        result.ErrorBudgetConsumed.ShouldBe(0.8, 1e-9);
        SloEvaluator.Evaluate(ErrorRate(0.005), run).Outcome.ShouldBe(CheckOutcome.Failed);
    }

    [Fact]
    public void Evaluate_UnknownRow_IsNoData()
    {
        StatsSnapshot run = new SnapshotBuilder().Steady("predict", seconds: 2, perSecond: 10, latencyMs: _ => 10).Build(2);

        SloResult result = SloEvaluator.Evaluate(ErrorRate(0.01, row: "nope"), run);

        result.Outcome.ShouldBe(CheckOutcome.NoData);
        result.Note.ShouldBe("no requests named \"nope\"");
    }
}
