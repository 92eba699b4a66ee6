namespace Stampede.Tool.Tests.Commands;

public sealed class StampedeToolTests
{
    [Theory]
    [InlineData(new[] { "serve-demo", "--port", "70000" }, 2)]
    [InlineData(new[] { "serve-demo", "--autoscale", "4:1" }, 2)]
    [InlineData(new[] { "serve-demo", "--max-body", "lots" }, 2)]
    [InlineData(new[] { "demo", "--run-time", "5x" }, 2)]
    [InlineData(new[] { "frobnicate" }, 2)]
    public async Task RunAsync_BadUsage_ExitsTwo(string[] args, int expected)
    {
        (await StampedeTool.RunAsync(args)).ShouldBe(expected);
    }
}
