using System.Text.RegularExpressions;
using Stampede.Tool.Commands;
using Stampede.Tool.Tests.Infrastructure;

namespace Stampede.Tool.Tests.Commands;

public sealed class ToolHelpTests
{
    [Fact]
    public async Task Help_RealExecutable_UsageIsStampedeAndEveryCommandHasOneLine()
    {
        ToolOutcome help = await ToolProcess.RunAsync(Path.GetTempPath(), null, "--help");

        help.ExitCode.ShouldBe(0, help.ToString());
        help.Output.ShouldStartWith("Usage: stampede [command] [options]");
        help.Output.ShouldNotContain("Stampede.Tool");
        string[] lines = help.Output.Split('\n');
        foreach (string command in new[] { "run", "new", "demo", "serve-demo", "report", "compare", "llm" })
        {
            lines.Count(line => Regex.IsMatch(line, $@"^  {Regex.Escape(command)}( |$)")).ShouldBe(1, $"one line for {command} in:\n{help.Output}");
        }
    }

    [Fact]
    public async Task Help_OfACommand_UsageNamesTheToolAndTheCommand()
    {
        ToolOutcome help = await ToolProcess.RunAsync(Path.GetTempPath(), null, "new", "--help");

        help.ExitCode.ShouldBe(0, help.ToString());
        help.Output.ShouldStartWith("Usage: stampede new [<name>] [options]");
        help.Output.ShouldContain("--template");
    }

    [Fact]
    public void OneLineUsage_ParserHelp_UsageMovedFirstOnOneLine()
    {
        string parser = "Description:\n  Does things.\n\nUsage:\n  stampede demo [options]\n\nOptions:\n  -h  Help\n";

        string help = ToolHelp.OneLineUsage(parser);

        help.ShouldBe($"Usage: stampede demo [options]{Environment.NewLine}{Environment.NewLine}Description:\n  Does things.\n\nOptions:\n  -h  Help\n");
    }
}
