using Shouldly;
using Stampede.Llm;
using Xunit;

namespace Stampede.Core.Tests.Llm;

public sealed class GoodputBoundsTests
{
    [Fact]
    public void Parse_EveryMetric_ReadsTheBoundsInTheirUnits()
    {
        GoodputBounds bounds = GoodputBounds.Parse(" ttft<500ms, tpot<0.05s ,e2e<10000 ");

        bounds.Ttft.ShouldBe(TimeSpan.FromMilliseconds(500));
        bounds.Tpot.ShouldBe(TimeSpan.FromMilliseconds(50));
        bounds.E2e.ShouldBe(TimeSpan.FromSeconds(10));
        bounds.Expression.ShouldBe("ttft<500ms, tpot<0.05s ,e2e<10000");
    }

    [Theory]
    [InlineData(100, 20.0, 1000, true)]
    [InlineData(500, 20.0, 1000, false)]
    [InlineData(100, 50.0, 1000, false)]
    [InlineData(100, null, 1000, true)]
    public void IsMetBy_EveryBoundStrictly(double ttft, double? tpot, double e2e, bool met) =>
        GoodputBounds.Parse("ttft<500ms,tpot<50ms").IsMetBy(ttft, tpot, e2e).ShouldBe(met);

    [Theory]
    [InlineData("ttft", "--goodput 'ttft': write METRIC<TIME, e.g. ttft<500ms.")]
    [InlineData("latency<1s", "--goodput 'latency<1s': unknown metric 'latency'; goodput bounds ttft, tpot and e2e.")]
    [InlineData("ttft<1s,ttft<2s", "--goodput 'ttft<2s': ttft is bounded twice.")]
    [InlineData("ttft<0ms", "--goodput 'ttft<0ms': the bound must be a time above 0, e.g. 500ms or 2s.")]
    [InlineData("ttft<5m", "--goodput 'ttft<5m': unknown unit 'm'; expected us, ms or s.")]
    [InlineData(",", "--goodput ',': give at least one bound, e.g. ttft<500ms,tpot<50ms.")]
    public void Parse_Malformed_SaysWhatWasWrongAndWhatIsValid(string text, string message) =>
        Should.Throw<FormatException>(() => GoodputBounds.Parse(text)).Message.ShouldBe(message);
}
