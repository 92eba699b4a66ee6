using Shouldly;
using Stampede.Llm;
using Xunit;

namespace Stampede.Core.Tests.Llm.Prompts;

public sealed class TokenLengthTests
{
    [Theory]
    [InlineData("512", "fixed:512")]
    [InlineData(" fixed:64 ", "fixed:64")]
    [InlineData("uniform:256-768", "uniform:256-768")]
    [InlineData("normal:512,128", "normal:512,128")]
    [InlineData("512:128", "normal:512,128")]
    [InlineData("LogNormal:300,150.5", "lognormal:300,150.5")]
    public void Parse_EachForm_GivesTheCanonicalSpec(string spec, string canonical)
    {
        TokenLength.Parse(spec).ToString().ShouldBe(canonical);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("12.5")]
    [InlineData("uniform:700-300")]
    [InlineData("uniform:300")]
    [InlineData("normal:0,10")]
    [InlineData("normal:100,-1")]
    [InlineData("gamma:2,3")]
    [InlineData("lots")]
    public void Parse_NotATokenLength_FormatExceptionQuotingTheSpecAndListingTheForms(string spec)
    {
        FormatException error = Should.Throw<FormatException>(() => TokenLength.Parse(spec));

        error.Message.ShouldContain($"'{spec}'");
        error.Message.ShouldContain("uniform:");
        error.Message.ShouldContain("lognormal:");
    }

    [Fact]
    public void Sample_Fixed_IsAlwaysTheCount()
    {
        var random = new Random(1);
        TokenLength length = TokenLength.Fixed(128);

        Enumerable.Range(0, 1000).Select(_ => length.Sample(random)).ShouldAllBe(n => n == 128);
        length.Mean.ShouldBe(128);
        length.Min.ShouldBe(128);
        length.Max.ShouldBe(128);
    }

    [Fact]
    public void Sample_Uniform_CoversEveryCountBetweenTheBoundsAndNoOther()
    {
        var random = new Random(2);
        TokenLength length = TokenLength.Uniform(10, 20);

        int[] samples = [.. Enumerable.Range(0, 20_000).Select(_ => length.Sample(random))];

        samples.Min().ShouldBe(10);
        samples.Max().ShouldBe(20);
        samples.Distinct().Count().ShouldBe(11);
        samples.Average().ShouldBe(15, 0.1);
        length.Mean.ShouldBe(15);
    }

    [Theory]
    [InlineData("normal:512,128")]
    [InlineData("lognormal:512,128")]
    [InlineData("lognormal:200,300")]
    public void Sample_NormalAndLogNormal_HaveTheMeanAndSpreadAskedFor(string spec)
    {
        TokenLength length = TokenLength.Parse(spec);
        string[] parts = spec[(spec.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(',');
        double mean = double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        double sd = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var random = new Random(3);

        double[] samples = [.. Enumerable.Range(0, 50_000).Select(_ => (double)length.Sample(random))];
        double sampleMean = samples.Average();
        double sampleSd = Math.Sqrt(samples.Sum(s => (s - sampleMean) * (s - sampleMean)) / (samples.Length - 1));

        // 50,000 samples: the mean's standard error is sd/224, so 3% of the mean is many of them; the spread within 5%.
        sampleMean.ShouldBe(mean, mean * 0.03);
        sampleSd.ShouldBe(sd, sd * 0.05);
        samples.Min().ShouldBeGreaterThanOrEqualTo(1);
        length.Mean.ShouldBe(mean);
    }

    [Fact]
    public void Sample_LogNormal_IsSkewedRight()
    {
        var random = new Random(4);
        TokenLength length = TokenLength.LogNormal(512, 384);

        int[] samples = [.. Enumerable.Range(0, 20_000).Select(_ => length.Sample(random)).Order()];

        // A right-skewed distribution: the median below the mean, a long tail above it.
        samples[samples.Length / 2].ShouldBeLessThan(480);
        samples[(int)(samples.Length * 0.99)].ShouldBeGreaterThan(1600);
    }

    [Fact]
    public void Sample_NormalWithALargeSpread_NeverBelowOneToken()
    {
        var random = new Random(5);
        TokenLength length = TokenLength.Normal(20, 40);

        Enumerable.Range(0, 10_000).Select(_ => length.Sample(random)).Min().ShouldBe(1);
    }

    [Fact]
    public void Sample_SameSeed_SameSequence()
    {
        TokenLength length = TokenLength.LogNormal(512, 128);
        var first = new Random(42);
        var second = new Random(42);

        Enumerable.Range(0, 100).Select(_ => length.Sample(first))
            .ShouldBe(Enumerable.Range(0, 100).Select(_ => length.Sample(second)));
    }
}
