using Stampede.Load;

namespace Stampede.Core.Tests.Load;

public sealed class LoadTestOptionsTests
{
    [Theory]
    [InlineData(-1.0, 1.0, null, null, "Rate is -1")]
    [InlineData(10.0, 0.0, null, null, "Burstiness is 0")]
    [InlineData(10.0, 1.0, -1, null, "PreAllocatedUsers is -1")]
    [InlineData(10.0, 1.0, null, 0, "MaxUsers is 0")]
    [InlineData(10.0, 1.0, 20, 5, "PreAllocatedUsers is 20")]
    public void Validate_InvalidOpenModelOption_ThrowsNamingTheOption(double rate, double burstiness, int? preAllocated, int? max, string expected)
    {
        var options = new LoadTestOptions { Rate = rate, Burstiness = burstiness, PreAllocatedUsers = preAllocated, MaxUsers = max };

        Should.Throw<ArgumentException>(options.Validate).Message.ShouldContain(expected);
    }

    [Fact]
    public void Validate_NegativeStageRate_ThrowsNamingRateStages()
    {
        var options = new LoadTestOptions { RateStages = [new RateStage(TimeSpan.FromSeconds(1), -5)] };

        Should.Throw<ArgumentException>(options.Validate).ParamName.ShouldBe(nameof(LoadTestOptions.RateStages));
    }

    [Fact]
    public void IsOpenModel_RateOrStages_True()
    {
        new LoadTestOptions().IsOpenModel.ShouldBeFalse();
        new LoadTestOptions { Rate = 5 }.IsOpenModel.ShouldBeTrue();
        new LoadTestOptions { RateStages = [new RateStage(TimeSpan.FromSeconds(1), 5)] }.IsOpenModel.ShouldBeTrue();
    }

    [Fact]
    public void Validate_NegativeBacklog_ThrowsNamingIt()
    {
        Should.Throw<ArgumentException>(() => new LoadTestOptions { Rate = 5, MaxBacklog = -1 }.Validate())
            .Message.ShouldContain("MaxBacklog is -1");
    }
}
