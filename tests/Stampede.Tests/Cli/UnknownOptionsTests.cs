using System.Collections;
using System.CommandLine;
using Stampede.Cli;

namespace Stampede.Tests.Cli;

public sealed class UnknownOptionsTests
{
    private static readonly Hashtable NoEnvironment = [];

    [Theory]
    [InlineData(new[] { "--user", "5" }, "unknown option --user; did you mean --users?")]
    [InlineData(new[] { "--user=5" }, "unknown option --user; did you mean --users?")]
    [InlineData(new[] { "--users", "5", "--spwan-rate", "2" }, "unknown option --spwan-rate; did you mean --spawn-rate?")]
    [InlineData(new[] { "--Headless" }, "unknown option --Headless; did you mean --headless?")]
    [InlineData(new[] { "--run-tim", "10s", "--users", "2" }, "unknown option --run-tim; did you mean --run-time?")]
    [InlineData(new[] { "--frobnicate", "7" }, "unknown option --frobnicate")]
    public void Parse_UnknownOption_OneErrorWithTheNearestFlag(string[] args, string expected)
    {
        ParseOutcome outcome = new CommandLine("test").Parse(args, NoEnvironment);

        outcome.Settings.ShouldBeNull();
        outcome.Errors.ShouldBe([expected]);
    }

    [Fact]
    public void Parse_TwoUnknownOptions_OneErrorEach()
    {
        ParseOutcome outcome = new CommandLine("test").Parse(["--user", "5", "--hots", "http://127.0.0.1:1"], NoEnvironment);

        outcome.Errors.ShouldBe(["unknown option --user; did you mean --users?", "unknown option --hots; did you mean --host?"]);
    }

    [Fact]
    public void Parse_StrayValue_KeepsTheParsersMessage()
    {
        ParseOutcome outcome = new CommandLine("test").Parse(["--users", "5", "stray"], NoEnvironment);

        outcome.Errors.Count.ShouldBe(1);
        outcome.Errors[0].ShouldContain("'stray'");
        outcome.Errors[0].ShouldNotContain("unknown option");
    }

    [Fact]
    public void Messages_OptionOfASubcommand_SuggestsAmongThatCommandsOptions()
    {
        var demo = new Command("demo") { new Option<int>("--users"), new Option<TimeSpan>("--run-time") };
        var root = new RootCommand("tool") { demo };

        IReadOnlyList<string> messages = UnknownOptions.Messages(root.Parse(["demo", "--run-tmie", "5s"]));

        messages.ShouldBe(["unknown option --run-tmie; did you mean --run-time?"]);
    }

    [Theory]
    [InlineData("--user", "--users")]
    [InlineData("--usres", "--users")]
    [InlineData("-users", "--users")]
    [InlineData("--spawn", "--spawn-rate")]
    [InlineData("--xyz", null)]
    [InlineData("--u", null)]
    public void Suggest_NearestKnownName_OrNoneWhenNothingIsClose(string typed, string? expected)
    {
        UnknownOptions.Suggest(typed, ["--users", "--spawn-rate", "--host", "--headless", "-u"]).ShouldBe(expected);
    }
}
