using Stampede.Analysis;

namespace Stampede.Core.Tests.Analysis;

public sealed class ThresholdTests
{
    [Theory]
    [InlineData("p95<300ms", 95, nameof(ThresholdOperator.LessThan), 300)]
    [InlineData("p99.9<1s", 99.9, nameof(ThresholdOperator.LessThan), 1000)]
    [InlineData("p50 <= 250", 50, nameof(ThresholdOperator.LessThanOrEqual), 250)]
    [InlineData("p97>800us", 97, nameof(ThresholdOperator.GreaterThan), 0.8)]
    [InlineData("p0>=1.5µs", 0, nameof(ThresholdOperator.GreaterThanOrEqual), 0.0015)]
    [InlineData("P100 < 2 S", 100, nameof(ThresholdOperator.LessThan), 2000)]
    public void Parse_Percentile_ReadsPercentileOperatorAndMilliseconds(string expression, double percentile, string comparison, double limitMs)
    {
        Threshold threshold = Threshold.Parse(expression);

        threshold.Metric.ShouldBe(ThresholdMetric.Percentile);
        threshold.Percentile.ShouldBe(percentile);
        threshold.Operator.ShouldBe(Enum.Parse<ThresholdOperator>(comparison));
        threshold.Limit.ShouldBe(limitMs, 1e-12);
        threshold.Row.ShouldBeNull();
        threshold.Abort.ShouldBeFalse();
        threshold.Expression.ShouldBe(expression);
    }

    [Theory]
    [InlineData("avg<120ms", nameof(ThresholdMetric.Average), 120)]
    [InlineData("med<80ms", nameof(ThresholdMetric.Median), 80)]
    [InlineData("min>1ms", nameof(ThresholdMetric.Min), 1)]
    [InlineData("max<5s", nameof(ThresholdMetric.Max), 5000)]
    [InlineData("error_rate<1%", nameof(ThresholdMetric.ErrorRate), 0.01)]
    [InlineData("error_rate<0.025", nameof(ThresholdMetric.ErrorRate), 0.025)]
    [InlineData("rps>=48", nameof(ThresholdMetric.RequestsPerSecond), 48)]
    [InlineData("requests>=1000", nameof(ThresholdMetric.Requests), 1000)]
    [InlineData("failures<10", nameof(ThresholdMetric.Failures), 10)]
    [InlineData("output_tps>500", nameof(ThresholdMetric.OutputTokensPerSecond), 500)]
    public void Parse_OtherMetrics_ReadsLimitInTheMetricsUnit(string expression, string metric, double limit)
    {
        Threshold threshold = Threshold.Parse(expression);

        threshold.Metric.ShouldBe(Enum.Parse<ThresholdMetric>(metric));
        threshold.Limit.ShouldBe(limit, 1e-12);
    }

    [Theory]
    [InlineData("ttft_p95<500ms", nameof(ThresholdMetric.Ttft), 95, 500, "ttft_p95")]
    [InlineData("itl_p99 < 50", nameof(ThresholdMetric.Itl), 99, 50, "itl_p99")]
    [InlineData("TPOT_P99<0.05s", nameof(ThresholdMetric.Tpot), 99, 50, "tpot_p99")]
    [InlineData("\"chat long\": e2e_p99.9<20s", nameof(ThresholdMetric.E2e), 99.9, 20_000, "e2e_p99.9")]
    public void Parse_LlmPercentile_ReadsMetricPercentileAndMilliseconds(string expression, string metric, double percentile, double limitMs, string name)
    {
        Threshold threshold = Threshold.Parse(expression);

        threshold.Metric.ShouldBe(Enum.Parse<ThresholdMetric>(metric));
        threshold.Percentile.ShouldBe(percentile);
        threshold.Limit.ShouldBe(limitMs, 1e-9);
        threshold.MetricName.ShouldBe(name);
        threshold.IsLlm.ShouldBeTrue();
    }

    [Fact]
    public void Parse_QuotedRow_ScopesTheThreshold()
    {
        Threshold threshold = Threshold.Parse("\"predict large\": p95<800ms");

        threshold.Row.ShouldBe("predict large");
        threshold.Limit.ShouldBe(800);
    }

    [Fact]
    public void Parse_EscapedQuoteInRow_Unescapes()
    {
        Threshold.Parse("\"say \\\"hi\\\"\":avg<1s").Row.ShouldBe("say \"hi\"");
    }

    [Theory]
    [InlineData("p95<300ms abort", 0)]
    [InlineData("error_rate<0.01 abort", 0)]
    [InlineData("rps>=48 ABORT after 30s", 30)]
    [InlineData("\"predict\": p99<1s abort after 2m", 120)]
    [InlineData("avg<100 abort after 500ms", 0.5)]
    public void Parse_Abort_ReadsGracePeriod(string expression, double graceSeconds)
    {
        Threshold threshold = Threshold.Parse(expression);

        threshold.Abort.ShouldBeTrue();
        threshold.AbortGrace.ShouldBe(TimeSpan.FromSeconds(graceSeconds));
    }

    [Theory]
    [InlineData("", 1, "expected a metric")]
    [InlineData("p95<300xs", 8, "unknown unit 'xs'; expected ms, s, us or µs")]
    [InlineData("p95 300ms", 5, "expected an operator: <, <=, > or >=")]
    [InlineData("p95=300ms", 4, "expected an operator")]
    [InlineData("p101<1s", 1, "a percentile from p0 to p100")]
    [InlineData("p<1s", 2, "expected the percentile after 'p'")]
    [InlineData("latency<1s", 1, "unknown metric 'latency'")]
    [InlineData("p95<", 5, "expected a number after the operator")]
    [InlineData("p95<-1ms", 5, "expected a number after the operator")]
    [InlineData("error_rate<1ms", 13, "a percent (1%) or a fraction (0.01) for error_rate")]
    [InlineData("error_rate<5", 13, "write 5% for five percent")]
    [InlineData("rps>=48%", 8, "a plain number for rps")]
    [InlineData("\"predict large p95<1s", 1, "a closing '\"'")]
    [InlineData("\"predict\" p95<1s", 11, "expected ':' after the row name")]
    [InlineData("p95<300ms abrt", 11, "expected 'abort' or the end of the expression")]
    [InlineData("p95<300ms abort after 30", 25, "a unit for the grace period: ms, s, m or h")]
    [InlineData("p95<300ms abort later", 17, "expected 'after'")]
    [InlineData("requests>=100 abort", 15, "no 'abort' on a lower bound on requests")]
    [InlineData("p95<300ms abort after 1s extra", 26, "expected the end of the expression")]
    [InlineData("ttft_p97<1s", 1, "LLM metrics keep the percentiles 50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100; ttft_p97 is not one of them")]
    [InlineData("ttft_p<1s", 7, "expected the percentile after 'ttft_p', e.g. ttft_p95")]
    [InlineData("output_tps>5ms", 13, "a plain number for output_tps (output tokens per second)")]
    [InlineData("ttft<1s", 1, "unknown metric 'ttft'; expected pNN (p95, p99.9), med, avg, min, max, error_rate, rps, requests, failures, or for LLM streams ttft_pNN, itl_pNN, tpot_pNN, e2e_pNN, output_tps")]
    public void Parse_Malformed_PointsAtTheBadPart(string expression, int column, string expected)
    {
        ThresholdSyntaxException e = Should.Throw<ThresholdSyntaxException>(() => Threshold.Parse(expression));

        e.Position.ShouldBe(column - 1);
        e.Problem.ShouldContain(expected);
        e.Message.ShouldStartWith($"Invalid threshold at column {column}: ");
    }

    [Fact]
    public void Parse_Malformed_MessageQuotesTheExpressionWithACaretUnderTheBadPart()
    {
        ThresholdSyntaxException e = Should.Throw<ThresholdSyntaxException>(() => Threshold.Parse("p95<300xs"));

        e.Message.ShouldBe(
            "Invalid threshold at column 8: unknown unit 'xs'; expected ms, s, us or µs.\n" +
            "  p95<300xs\n" +
            "         ^");
    }

    [Fact]
    public void ToString_IsTheExpressionAsWritten()
    {
        Threshold.Parse(" p95 < 300ms ").ToString().ShouldBe(" p95 < 300ms ");
    }
}
