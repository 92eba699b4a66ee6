using System.Collections;
using Stampede.Cli;

namespace Stampede.Tests.Cli;

public sealed class CommandLineGatesTests
{
    private static readonly Hashtable NoEnvironment = [];

    [Fact]
    public void Parse_GateFlags_ReadEverySetting()
    {
        ParseOutcome outcome = Parse(
            ["-H", "http://127.0.0.1:8080", "--rate", "50", "--slo", "p95<300ms", "--slo", "rps>=48", "--slo", "\"predict large\": p99.9<1s abort after 30s",
             "--slo-file", "slo.json", "--save-baseline", "base.json", "--baseline", "old.json", "--tolerance", "5%", "--junit", "junit.xml"]);

        outcome.Errors.ShouldBeEmpty();
        CliSettings s = outcome.Settings!;
        s.Slos.Select(t => t.Expression).ShouldBe(["p95<300ms", "rps>=48", "\"predict large\": p99.9<1s abort after 30s"]);
        s.Slos[2].Row.ShouldBe("predict large");
        s.Slos[2].Abort.ShouldBeTrue();
        s.Slos[2].AbortGrace.ShouldBe(TimeSpan.FromSeconds(30));
        s.SloFile.ShouldBe("slo.json");
        s.SaveBaselinePath.ShouldBe("base.json");
        s.BaselinePath.ShouldBe("old.json");
        s.Tolerance.ShouldBe(0.05, 1e-12);
        s.JUnitPath.ShouldBe("junit.xml");
    }

    [Fact]
    public void Parse_NoGateFlags_DefaultsToNoChecksAndTenPercent()
    {
        CliSettings s = Parse(["-H", "http://127.0.0.1:8080"]).Settings!;

        s.Slos.ShouldBeEmpty();
        s.Tolerance.ShouldBe(0.10, 1e-12);
        s.BaselinePath.ShouldBeNull();
    }

    [Fact]
    public void Parse_MalformedSlo_PointsAtTheBadPart()
    {
        ParseOutcome outcome = Parse(["-H", "http://127.0.0.1:8080", "--slo", "p95<300ms", "--slo", "p95<300xs"]);

        outcome.Settings.ShouldBeNull();
        string error = outcome.Errors.ShouldHaveSingleItem();
        error.ShouldStartWith("--slo: Invalid threshold at column 8");
        error.ShouldContain("unknown unit 'xs'");
        error.ShouldContain("p95<300xs\n         ^");
    }

    [Theory]
    [InlineData("10")]
    [InlineData("ten%")]
    [InlineData("-5%")]
    public void Parse_BadTolerance_NamesTheFlagAndTheValidForm(string value)
    {
        ParseOutcome outcome = Parse(["-H", "http://127.0.0.1:8080", "--tolerance", value]);

        outcome.Errors.ShouldHaveSingleItem().ShouldBe($"--tolerance: '{value}' is not valid; give a percent from 0% to below 1000%, e.g. --tolerance 10%.");
    }

    [Fact]
    public void Parse_SloEnvironmentVariable_SplitsThresholdsOnSemicolons()
    {
        var environment = new Hashtable { ["STAMPEDE_SLO"] = "p95 < 300ms; error_rate<1%", ["STAMPEDE_TOLERANCE"] = "20%" };

        CliSettings s = new CommandLine("test").Parse(["-H", "http://127.0.0.1:8080"], environment).Settings!;

        s.Slos.Select(t => t.Expression).ShouldBe(["p95 < 300ms", "error_rate<1%"]);
        s.Tolerance.ShouldBe(0.2, 1e-12);
    }

    private static ParseOutcome Parse(string[] args) => new CommandLine("test").Parse(args, NoEnvironment);
}
