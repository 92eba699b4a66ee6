using Stampede.Analysis;
using Stampede.Metrics;

namespace Stampede.Core.Tests.Analysis;

public sealed class ColdStartAnalyzerTests
{
    private static readonly RowKey Predict = new("POST", "predict");
    private static readonly RowKey Health = new("GET", "health");

    [Fact]
    public void Analyze_NoTrials_IsNull()
    {
        StatsSnapshot run = new SnapshotBuilder().Steady("predict", seconds: 3, perSecond: 10, _ => 10).Build(3);

        ColdStartAnalyzer.Analyze([], run.History, TimeSpan.Zero).ShouldBeNull();
    }

    [Fact]
    public void Analyze_SlowFirstSeconds_WarmupKeepsThemOutOfTheSteadyP50AndReportsThemApart()
    {
        // Six slow seconds (100 ms) then four fast ones (10 ms): 60 slow requests against 40 fast, so the whole run's
        // median is slow and only leaving out the warm-up finds the steady 10 ms.
        StatsSnapshot run = new SnapshotBuilder()
            .Steady("predict", seconds: 6, perSecond: 10, _ => 100)
            .Steady("predict", seconds: 4, perSecond: 10, _ => 10, fromSecond: 6)
            .Build(10);
        ColdStartTrial[] trials = [Trial(1.5, (Predict, 0, 500))];

        ColdStartAnalysis whole = ColdStartAnalyzer.Analyze(trials, run.History, TimeSpan.Zero)!;
        ColdStartAnalysis warmed = ColdStartAnalyzer.Analyze(trials, run.History, TimeSpan.FromSeconds(6))!;

        whole.SteadyP50Ms!.Value.ShouldBe(100, tolerance: 0.1);
        whole.Warmup.ShouldBeNull();
        whole.Steady.Requests.ShouldBe(100);
        warmed.SteadyP50Ms.ShouldBe(10);
        warmed.PenaltyMs.ShouldBe(490);
        warmed.WarmupSeconds.ShouldBe(6);
        warmed.Warmup.ShouldNotBeNull();
        warmed.Warmup.FromSecond.ShouldBe(0);
        warmed.Warmup.ToSecond.ShouldBe(6);
        warmed.Warmup.Requests.ShouldBe(60);
        warmed.Warmup.P50Ms.ShouldBe(100);
        warmed.Warmup.P95Ms.ShouldBe(100);
        warmed.Steady.FromSecond.ShouldBe(6);
        warmed.Steady.Requests.ShouldBe(40);
        warmed.Steady.P95Ms.ShouldBe(10);
        warmed.Rows.Single().SteadyRequests.ShouldBe(40);
        warmed.Summary.ShouldBe("Cold start: ready in 1.50 s; the first POST predict took 500 ms, 490 ms over its steady p50 of 10.0 ms (after a 6 s warm-up).");
    }

    [Fact]
    public void Analyze_FractionalWarmup_LeavesOutEverySecondItTouches()
    {
        StatsSnapshot run = new SnapshotBuilder().Steady("predict", seconds: 5, perSecond: 10, _ => 10).Build(5);

        ColdStartAnalysis cold = ColdStartAnalyzer.Analyze([Trial(1, (Predict, 0, 50))], run.History, TimeSpan.FromSeconds(2.5))!;

        cold.WarmupSeconds.ShouldBe(3);
        cold.Warmup!.Requests.ShouldBe(30);
        cold.Steady.Requests.ShouldBe(20);
    }

    [Fact]
    public void Analyze_ThreeStarts_KeepsEachInOrderAndTakesTheMedianForThePenalty()
    {
        StatsSnapshot run = new SnapshotBuilder()
            .Steady("predict", seconds: 4, perSecond: 10, _ => 20)
            .Steady("health", seconds: 4, perSecond: 5, _ => 2, method: "GET")
            .Build(4);

        // The headline row is the first one sent after the first start, whatever order the samples are listed in.
        ColdStartTrial[] trials =
        [
            Trial(1.2, (Health, 900, 30), (Predict, 0, 300)),
            Trial(1.4, (Predict, 0, 500)),
            Trial(1.3, (Predict, 0, 400), (Health, 420, 10)),
        ];

        ColdStartAnalysis cold = ColdStartAnalyzer.Analyze(trials, run.History, TimeSpan.Zero)!;

        cold.ReadySeconds.ShouldBe([1.2, 1.4, 1.3]);
        cold.Row.ShouldBe(Predict);
        cold.FirstRequestMs.ShouldBe([300, 500, 400]);
        cold.SteadyP50Ms.ShouldBe(20);
        cold.PenaltyMs.ShouldBe(380);
        cold.Rows.Select(r => r.Key).ShouldBe([Predict, Health]);
        ColdStartRow health = cold.Rows[1];
        health.FirstRequestMs.ShouldBe([30, null, 10]);
        health.SteadyP50Ms.ShouldBe(2);
        health.PenaltyMs.ShouldBe(18);
        cold.Summary.ShouldStartWith("Cold start: ready in 1.30 s (median of 3 starts, 1.20–1.40 s); the median first POST predict took 400 ms, 380 ms over its steady p50 of 20.0 ms.");
    }

    [Fact]
    public void Analyze_RowTheMainRunNeverSent_HasNoSteadyP50OrPenalty()
    {
        StatsSnapshot run = new SnapshotBuilder().Steady("predict", seconds: 2, perSecond: 10, _ => 20).Build(2);

        ColdStartAnalysis cold = ColdStartAnalyzer.Analyze([Trial(1, (Health, 0, 30))], run.History, TimeSpan.Zero)!;

        cold.Row.ShouldBe(Health);
        cold.SteadyP50Ms.ShouldBeNull();
        cold.PenaltyMs.ShouldBeNull();
        cold.Summary.ShouldEndWith("the main run completed no GET health to compare it with.");
    }

    private static ColdStartTrial Trial(double readySeconds, params (RowKey Row, double SentMs, double LatencyMs)[] requests) => new()
    {
        ReadySeconds = readySeconds,
        FirstRequests = [.. requests.Select(r => new FirstRequestSample { Row = r.Row, SentAfterReadyMs = r.SentMs, LatencyMs = r.LatencyMs })],
    };
}
