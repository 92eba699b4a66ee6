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

    [Fact]
    public async Task RunAsync_MistypedFlag_OneErrorThatNamesTheFlagMeant()
    {
        TextWriter previous = Console.Error;
        using var errors = new StringWriter();
        int exitCode;
        Console.SetError(errors);
        try
        {
            exitCode = await StampedeTool.RunAsync(["demo", "--user", "5"]);
        }
        finally
        {
            Console.SetError(previous);
        }

        exitCode.ShouldBe(2);
        string[] lines = errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ShouldBe(["error: unknown option --user; did you mean --users?"]);
    }
}
