using Stampede.Cli;

namespace Stampede.Tests.Cli;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("1h 30m 15s", 5415)]
    [InlineData("2h", 7200)]
    [InlineData("500ms", 0.5)]
    [InlineData("45", 45)]
    [InlineData("1.5", 1.5)]
    [InlineData("0", 0)]
    public void TryParse_LocustStyleDurations_Parse(string text, double seconds)
    {
        DurationParser.TryParse(text, out TimeSpan duration).ShouldBeTrue();
        duration.TotalSeconds.ShouldBe(seconds, 1e-9);
    }

    [Theory]
    [InlineData("5x")]
    [InlineData("")]
    [InlineData("m5")]
    [InlineData("-3s")]
    [InlineData("-1")]
    [InlineData("1d")]
    public void TryParse_Garbage_IsRejected(string text)
    {
        DurationParser.TryParse(text, out _).ShouldBeFalse();
    }
}
