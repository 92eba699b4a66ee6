namespace Stampede.Tool.Tests.Commands;

/// <summary>
/// Bad usage through the whole tool: exit code 2 and one error line that names the flag (or argument),
/// the value given and what would be valid. The tests of this class share <see cref="Console.Error"/>,
/// so every test that redirects it lives here.
/// </summary>
public sealed class StampedeToolTests
{
    [Theory]
    [InlineData(new[] { "serve-demo", "--port", "70000" }, "--port: '70000' is not valid; give a whole number from 0 to 65535.")]
    [InlineData(new[] { "serve-demo", "--port", "http" }, "--port: 'http' is not valid; give a whole number from 0 to 65535.")]
    [InlineData(new[] { "serve-demo", "--autoscale", "4:1" }, "--autoscale: '4:1' is not valid; give MIN:MAX workers with 1 <= MIN <= MAX, e.g. 1:4.")]
    [InlineData(new[] { "serve-demo", "--max-body", "lots" }, "--max-body: 'lots' is not valid; give a size in bytes, e.g. 20MB, 512KB or 1048576.")]
    [InlineData(new[] { "serve-demo", "--max-body", "0KB" }, "--max-body: '0KB' is not valid; give a size in bytes, e.g. 20MB, 512KB or 1048576.")]
    [InlineData(new[] { "demo", "--run-time", "5x" }, "--run-time: '5x' is not valid; give a positive duration such as 90s, 5m, 1h30m, 500ms or a number of seconds.")]
    [InlineData(new[] { "demo", "--run-time", "0s" }, "--run-time: '0s' is not valid; give a positive duration such as 90s, 5m, 1h30m, 500ms or a number of seconds.")]
    [InlineData(new[] { "frobnicate" }, "unknown command frobnicate; give one of run, new, demo, serve-demo, report, compare, llm.")]
    [InlineData(new[] { "reprot", "run.json" }, "unknown command reprot; did you mean report?")]
    [InlineData(new[] { "compare", "base.json" }, "compare: no current given; give the run being judged, of either kind.")]
    [InlineData(new[] { "report" }, "report: no document given; give the run's JSON document, as written by --json, or the journal of a run that was killed (run.json.partial).")]
    public async Task RunAsync_BadUsage_ExitsTwoWithOneErrorThatSaysWhatWasWrong(string[] args, string expected)
    {
        (int exitCode, string[] errors) = await RunAsync(args);

        exitCode.ShouldBe(2);
        errors.ShouldBe([$"error: {expected}"]);
    }

    [Fact]
    public async Task RunAsync_UnknownFlagAndNoCommand_NamesTheFlagAndListsTheCommands()
    {
        (int exitCode, string[] errors) = await RunAsync(["--frobnicate"]);

        exitCode.ShouldBe(2);
        errors.ShouldBe(["error: unknown option --frobnicate", "error: no command given; give one of run, new, demo, serve-demo, report, compare, llm."]);
    }

    [Fact]
    public async Task RunAsync_MistypedFlag_OneErrorThatNamesTheFlagMeant()
    {
        (int exitCode, string[] errors) = await RunAsync(["demo", "--user", "5"]);

        exitCode.ShouldBe(2);
        errors.ShouldBe(["error: unknown option --user; did you mean --users?"]);
    }

    [Fact]
    public async Task RunAsync_ReportOfAMissingDocument_ExitsTwoNamingTheFile()
    {
        (int exitCode, string[] errors) = await RunAsync(["report", "/nonexistent/run.json"]);

        exitCode.ShouldBe(2);
        errors.ShouldHaveSingleItem().ShouldContain("'/nonexistent/run.json' does not exist");
    }

    /// <summary>The exit code and the <c>error:</c> lines the tool wrote to stderr.</summary>
    private static async Task<(int ExitCode, string[] Errors)> RunAsync(string[] args)
    {
        TextWriter previous = Console.Error;
        using var errors = new StringWriter();
        int exitCode;
        Console.SetError(errors);
        try
        {
            exitCode = await StampedeTool.RunAsync(args);
        }
        finally
        {
            Console.SetError(previous);
        }

        string[] lines = errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (exitCode, [.. lines.Where(l => l.StartsWith("error:", StringComparison.Ordinal))]);
    }
}
