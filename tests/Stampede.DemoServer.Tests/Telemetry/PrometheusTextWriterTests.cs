using Stampede.Demo.Telemetry;
using Stampede.Demo.Tests.Infrastructure;

namespace Stampede.Demo.Tests.Telemetry;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void Sample_LabelValueWithQuoteBackslashAndNewline_IsEscaped()
    {
        var text = new PrometheusTextWriter();
        text.Family("demo_total", "counter", "Help with \\ and\nnewline.");

        text.Sample("demo_total", [("path", "a\"b\\c\nd")], 3);

        text.ToString().ShouldBe("# HELP demo_total Help with \\\\ and\\nnewline.\n# TYPE demo_total counter\ndemo_total{path=\"a\\\"b\\\\c\\nd\"} 3\n");
        var sample = PrometheusText.Parse(text.ToString()).Single();
        sample.Labels["path"].ShouldBe("a\"b\\c\nd");
        sample.Value.ShouldBe(3);
    }

    [Fact]
    public void Histogram_Observations_WritesCumulativeBucketsSumAndCount()
    {
        var histogram = new Histogram([0.1, 0.2, 0.4]);
        foreach (var value in new[] { 0.05, 0.1, 0.15, 0.3, 0.3, 7 })
        {
            histogram.Observe(value);
        }

        var text = new PrometheusTextWriter();
        text.Family("latency_seconds", "histogram", "Latency.");
        text.Histogram("latency_seconds", ("route", "/x"), histogram.Snapshot());
        var samples = PrometheusText.Parse(text.ToString());

        samples.Where(s => s.Name == "latency_seconds_bucket").Select(s => (s.Labels["le"], s.Value))
            .ShouldBe([("0.1", 2d), ("0.2", 3d), ("0.4", 5d), ("+Inf", 6d)]);
        samples.Value("latency_seconds_sum", ("route", "/x")).ShouldBe(7.9, 1e-9);
        samples.Value("latency_seconds_count", ("route", "/x")).ShouldBe(6);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.001, "0.001")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(42, "42")]
    public void FormatValue_SpecialAndOrdinaryValues_AsPrometheusReadsThem(double value, string expected)
    {
        PrometheusTextWriter.FormatValue(value).ShouldBe(expected);
    }
}
