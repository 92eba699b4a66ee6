using System.CommandLine;
using Stampede.Cli;

namespace Stampede.Tests.Cli;

public sealed class UsageNameTests
{
    [Fact]
    public void Help_WithAUsageName_NamesThatCommandInTheUsage()
    {
        string help = Help(new CommandLine("test", "stampede run mine.cs"));

        help.ShouldContain("Usage:");
        help.ShouldContain("  stampede run mine.cs [options]");
        help.ShouldNotContain($"  {RootCommand.ExecutableName} [options]");
        help.ShouldContain("--users");
    }

    [Fact]
    public void Help_WithoutAUsageName_NamesTheExecutable()
    {
        string help = Help(new CommandLine("test"));

        help.ShouldContain($"  {RootCommand.ExecutableName} [options]");
    }

    [Fact]
    public void Rename_OnlyTheUsageSection_IsRenamed()
    {
        string help = "Description:\n  exe does things\n\nUsage:\n  exe [options]\n  exe sub\n\nOptions:\n  exe  not a usage line\n";

        UsageName.Rename(help, "exe", "stampede run a.cs").ShouldBe(
            "Description:\n  exe does things\n\nUsage:\n  stampede run a.cs [options]\n  stampede run a.cs sub\n\nOptions:\n  exe  not a usage line\n");
    }

    private static string Help(CommandLine commandLine)
    {
        using var output = new StringWriter();
        commandLine.Root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output }).ShouldBe(0);
        return output.ToString();
    }
}
