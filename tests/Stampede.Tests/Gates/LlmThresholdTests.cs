using Stampede.Analysis;
using Stampede.Metrics;
using Stampede.Tests.Reports;

namespace Stampede.Tests.Gates;

/// <summary>The LLM metrics of the threshold language (ttft_pNN, itl_pNN, tpot_pNN, e2e_pNN, output_tps) against streams of known timing.</summary>
public sealed class LlmThresholdTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    // Four "chat" streams: TTFT 100, 200, 300, 400 ms, 10 tokens 10 ms apart; one plain GET.
    private static readonly StatsSnapshot Run = Build();

    [Theory]
    [InlineData("ttft_p50<250ms", "Passed", 200.063)]
    [InlineData("ttft_p99<300ms", "Failed", 400.0)]
    [InlineData("\"chat\": ttft_p99<=400ms", "Passed", 400.0)]
    [InlineData("itl_p99<11ms", "Passed", 10.0)]
    [InlineData("tpot_p99<9ms", "Failed", 10.0)]
    [InlineData("e2e_p99<0.5s", "Passed", 490.0)]
    [InlineData("output_tps>=10", "Passed", 10.0)]
    [InlineData("output_tps>20", "Failed", 10.0)]
    public void Evaluate_LlmMetric_MeasuresTheStreams(string expression, string outcome, double measured)
    {
        ThresholdResult result = ThresholdEvaluator.Evaluate(Threshold.Parse(expression), Run);

        result.Outcome.ShouldBe(Enum.Parse<CheckOutcome>(outcome));
        result.Measured.ShouldNotBeNull().ShouldBe(measured, 0.1);
    }

    [Fact]
    public void Evaluate_RowWithoutStreams_IsNoDataSayingWhy()
    {
        ThresholdResult result = ThresholdEvaluator.Evaluate(Threshold.Parse("\"/health\": ttft_p95<1s"), Run);

        result.Outcome.ShouldBe(CheckOutcome.NoData);
        result.Note.ShouldNotBeNull().ShouldContain("no completed LLM streams with a ttft_p95");
    }

    [Fact]
    public void HoldsOnSecond_LlmMetric_JudgesTheStreamsThatEndedInThatSecond()
    {
        // Second 0 holds the 100 and 200 ms streams, second 1 the 300 and 400 ms ones.
        Threshold threshold = Threshold.Parse("\"chat\": ttft_p99<250ms");

        ThresholdEvaluator.HoldsOnSecond(threshold, Run.History[0]).ShouldBeTrue();
        ThresholdEvaluator.HoldsOnSecond(threshold, Run.History[1]).ShouldBeFalse();
    }

    private static StatsSnapshot Build()
    {
        RunReportBuilder builder = new RunReportBuilder().Request("GET", "/health", TimeSpan.FromSeconds(0.1), 2 * Ms);
        for (int i = 0; i < 4; i++)
        {
            builder.LlmStream("chat", TimeSpan.FromSeconds(0.5 * i), (i + 1) * 100 * Ms, 10 * Ms, tokens: 10);
        }

        return builder.Build(TimeSpan.FromSeconds(4)).Result.Stats;
    }
}
