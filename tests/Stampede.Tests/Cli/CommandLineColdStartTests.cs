using System.Collections;
using Stampede.Cli;

namespace Stampede.Tests.Cli;

public sealed class CommandLineColdStartTests
{
    [Fact]
    public void Parse_ColdStartFlags_ReadEverySettingAndDefaultTheHostToTheReadyOrigin()
    {
        ParseOutcome outcome = Parse(
            ["--target-command", "python serve.py --port 8080", "--target-ready", "http://127.0.0.1:8080/v2/health/ready",
             "--target-ready-timeout", "30s", "--cold-starts", "5", "--warmup", "2.5s", "--headless"]);

        outcome.Errors.ShouldBeEmpty();
        CliSettings s = outcome.Settings!;
        s.TargetCommand.ShouldBe("python serve.py --port 8080");
        s.TargetReady.ShouldBe(new Uri("http://127.0.0.1:8080/v2/health/ready"));
        s.TargetReadyTimeout.ShouldBe(TimeSpan.FromSeconds(30));
        s.ColdStarts.ShouldBe(5);
        s.Warmup.ShouldBe(TimeSpan.FromSeconds(2.5));
        s.Host.ShouldBe("http://127.0.0.1:8080");
    }

    [Fact]
    public void Parse_NoColdStartFlags_KeepsTheDefaults()
    {
        CliSettings s = Parse(["--host", "http://127.0.0.1:9"]).Settings!;

        s.TargetCommand.ShouldBeNull();
        s.TargetReady.ShouldBeNull();
        s.TargetReadyTimeout.ShouldBe(TimeSpan.FromSeconds(120));
        s.ColdStarts.ShouldBe(1);
        s.Warmup.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Parse_HostAndReadyUrl_KeepsTheGivenHost()
    {
        CliSettings s = Parse(["--host", "http://127.0.0.1:9000", "--target-command", "x", "--target-ready", "http://127.0.0.1:8080/ready"]).Settings!;

        s.Host.ShouldBe("http://127.0.0.1:9000");
    }

    [Fact]
    public void Parse_TargetCommandFromTheEnvironment_IsRead()
    {
        ParseOutcome outcome = new CommandLine("test").Parse(
            ["--headless"],
            new Hashtable { ["STAMPEDE_TARGET_COMMAND"] = "python serve.py", ["STAMPEDE_TARGET_READY"] = "http://127.0.0.1:8080/ready" });

        outcome.Errors.ShouldBeEmpty();
        outcome.Settings!.TargetCommand.ShouldBe("python serve.py");
    }

    [Theory]
    [InlineData(new[] { "--target-command", "x" }, "--target-command needs --target-ready URL")]
    [InlineData(new[] { "--target-ready", "http://127.0.0.1:8080/ready" }, "--target-ready applies to a server Stampede starts")]
    [InlineData(new[] { "--target-ready-timeout", "5s" }, "--target-ready-timeout applies to a server Stampede starts")]
    [InlineData(new[] { "--cold-starts", "2" }, "--cold-starts applies to a server Stampede starts")]
    [InlineData(new[] { "--target-command", "x", "--target-ready", "127.0.0.1:8080/ready" }, "--target-ready: '127.0.0.1:8080/ready' is not valid; give an absolute http:// or https:// URL")]
    [InlineData(new[] { "--target-command", "", "--target-ready", "http://127.0.0.1:8080/ready" }, "--target-command: an empty command is not valid")]
    [InlineData(new[] { "--target-command", "x", "--target-ready", "http://127.0.0.1:8080/ready", "--cold-starts", "0" }, "--cold-starts: '0' is not valid; give a whole number of starts, 1 or more")]
    [InlineData(new[] { "--target-command", "x", "--target-ready", "http://127.0.0.1:8080/ready", "--target-ready-timeout", "0s" }, "--target-ready-timeout: '0s' is not valid")]
    [InlineData(new[] { "--warmup", "-1s" }, "--warmup: '-1s' is not valid")]
    [InlineData(new[] { "--target-command", "x", "--target-ready", "http://127.0.0.1:8080/ready", "--cold-starts", "3" }, "--cold-starts needs --headless")]
    public void Parse_BadColdStartFlags_SayWhatIsValid(string[] args, string message)
    {
        ParseOutcome outcome = Parse(args);

        outcome.Settings.ShouldBeNull();
        outcome.Errors.ShouldContain(e => e.Contains(message, StringComparison.Ordinal), string.Join(Environment.NewLine, outcome.Errors));
    }

    private static ParseOutcome Parse(string[] args) => new CommandLine("test").Parse(args, new Hashtable());
}
