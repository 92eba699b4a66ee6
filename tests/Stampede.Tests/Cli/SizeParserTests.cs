using Stampede.Cli;

namespace Stampede.Tests.Cli;

public sealed class SizeParserTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("1048576", 1048576)]
    [InlineData("64KB", 64 * 1024)]
    [InlineData("64k", 64 * 1024)]
    [InlineData("4MiB", 4 * 1024 * 1024)]
    [InlineData("4 MB", 4 * 1024 * 1024)]
    [InlineData("1.5m", 1572864)]
    [InlineData("2GiB", 2L * 1024 * 1024 * 1024)]
    [InlineData("512B", 512)]
    public void TryParse_Sizes_AreBytes(string text, long bytes)
    {
        SizeParser.TryParse(text, out long value).ShouldBeTrue();
        value.ShouldBe(bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("4 parsecs")]
    [InlineData("MB")]
    [InlineData("1e400")]
    [InlineData("99999999999GB")]
    public void TryParse_Nonsense_IsRefused(string text)
    {
        SizeParser.TryParse(text, out _).ShouldBeFalse();
    }
}
