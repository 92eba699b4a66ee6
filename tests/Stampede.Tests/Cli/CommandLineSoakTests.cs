using System.Collections;
using Stampede.Cli;

namespace Stampede.Tests.Cli;

public sealed class CommandLineSoakTests
{
    [Fact]
    public void Parse_Soak_SetsTheSetting()
    {
        ParseOutcome outcome = new CommandLine("test").Parse(["--soak", "--rate", "10", "--run-time", "10m"], new Hashtable());

        outcome.Errors.ShouldBeEmpty();
        outcome.Settings!.Soak.ShouldBeTrue();
    }

    [Fact]
    public void Parse_WithoutSoak_IsOff()
    {
        new CommandLine("test").Parse([], new Hashtable()).Settings!.Soak.ShouldBeFalse();
    }

    [Fact]
    public void Parse_SoakFromTheEnvironment_SetsTheSetting()
    {
        ParseOutcome outcome = new CommandLine("test").Parse([], new Hashtable { ["STAMPEDE_SOAK"] = "true" });

        outcome.Errors.ShouldBeEmpty();
        outcome.Settings!.Soak.ShouldBeTrue();
    }

    [Fact]
    public void Root_SoakOption_SaysWhatFailsAndTheExitCode()
    {
        string description = new CommandLine("test").Root.Options.Single(o => o.Name == "--soak").Description!;

        description.ShouldContain("rising");
        description.ShouldContain("exit code 3");
    }
}
