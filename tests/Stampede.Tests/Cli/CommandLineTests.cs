using System.Collections;
using Stampede.Cli;
using Stampede.Load;

namespace Stampede.Tests.Cli;

public sealed class CommandLineTests
{
    private static readonly Hashtable NoEnvironment = [];

    [Fact]
    public void Parse_LocustShortFlags_ReadEverySetting()
    {
        ParseOutcome outcome = Parse(
            ["-H", "http://127.0.0.1:8080", "-u", "100", "-r", "2.5", "-t", "1h30m", "--headless", "--csv", "out/run", "--csv-full-history",
             "--json", "out/run.json", "--stop-timeout", "10", "--exit-code-on-error", "3", "--only-summary", "--loglevel", "WARNING",
             "--tags", "infer", "fast", "--exclude-tags", "slow", "--seed", "7", "--http-version", "2"]);

        CliSettings s = outcome.Settings!;
        outcome.Errors.ShouldBeEmpty();
        s.Host.ShouldBe("http://127.0.0.1:8080");
        s.Users.ShouldBe(100);
        s.SpawnRate.ShouldBe(2.5);
        s.RunTime.ShouldBe(TimeSpan.FromMinutes(90));
        s.Headless.ShouldBeTrue();
        s.CsvPrefix.ShouldBe("out/run");
        s.CsvFullHistory.ShouldBeTrue();
        s.JsonPath.ShouldBe("out/run.json");
        s.StopTimeout.ShouldBe(TimeSpan.FromSeconds(10));
        s.ExitCodeOnError.ShouldBe(3);
        s.OnlySummary.ShouldBeTrue();
        s.LogLevel.ShouldBe(LogLevel.Warning);
        s.Tags.ShouldBe(["infer", "fast"]);
        s.ExcludeTags.ShouldBe(["slow"]);
        s.Seed.ShouldBe(7);
        s.HttpVersion.ShouldBe(System.Net.HttpVersion.Version20);
    }

    [Fact]
    public void Parse_Goodput_ReadsTheBounds()
    {
        ParseOutcome outcome = Parse(["--goodput", "ttft<500ms,tpot<50ms"]);

        outcome.Errors.ShouldBeEmpty();
        outcome.Settings!.Goodput.ShouldNotBeNull().Ttft.ShouldBe(TimeSpan.FromMilliseconds(500));
        outcome.Settings.Goodput.Tpot.ShouldBe(TimeSpan.FromMilliseconds(50));
        Parse([]).Settings!.Goodput.ShouldBeNull();
    }

    [Fact]
    public void Parse_GoodputMalformed_OneErrorSayingWhatIsValid()
    {
        ParseOutcome outcome = Parse(["--goodput", "ttft<5m"]);

        outcome.Errors.ShouldBe(["--goodput 'ttft<5m': unknown unit 'm'; expected us, ms or s."]);
    }

    [Fact]
    public void Parse_OpenModelFlags_ReadEverySetting()
    {
        ParseOutcome outcome = Parse(
            ["--rate", "50", "--rate-stages", "30s:100,0s:20,1m:20", "--arrivals", "poisson", "--burstiness", "0.5",
             "--pre-allocated-users", "20", "--max-users", "200", "--backlog", "50", "--min-duration", "10m"]);

        outcome.Errors.ShouldBeEmpty();
        CliSettings s = outcome.Settings!;
        s.IsOpenModel.ShouldBeTrue();
        s.Rate.ShouldBe(50);
        s.RateStages.ShouldBe([new RateStage(TimeSpan.FromSeconds(30), 100), new RateStage(TimeSpan.Zero, 20), new RateStage(TimeSpan.FromMinutes(1), 20)]);
        s.Arrivals.ShouldBe(ArrivalProcess.Poisson);
        s.Burstiness.ShouldBe(0.5);
        s.PreAllocatedUsers.ShouldBe(20);
        s.MaxUsers.ShouldBe(200);
        s.Backlog.ShouldBe(50);
        s.MinDuration.ShouldBe(TimeSpan.FromMinutes(10));
    }

    [Theory]
    [InlineData(new[] { "--rate", "-5" }, "--rate: '-5' is not valid")]
    [InlineData(new[] { "--rate", "10", "--arrivals", "bursty" }, "--arrivals: 'bursty' is not valid; give constant or poisson")]
    [InlineData(new[] { "--rate-stages", "30s" }, "--rate-stages: '30s' is not valid")]
    [InlineData(new[] { "--rate", "10", "--users", "5" }, "--users sets the closed model")]
    [InlineData(new[] { "--max-users", "5" }, "--max-users applies to the open model only")]
    [InlineData(new[] { "--rate", "10", "--pre-allocated-users", "9", "--max-users", "5" }, "--pre-allocated-users 9 is more than --max-users 5")]
    [InlineData(new[] { "--rate", "10", "--burstiness", "0" }, "--burstiness: '0' is not valid")]
    public void Parse_BadOpenModelFlags_NameTheFlagAndWhatIsValid(string[] args, string expected)
    {
        ParseOutcome outcome = Parse(args);

        outcome.Settings.ShouldBeNull();
        outcome.Errors.ShouldContain(e => e.Contains(expected));
    }

    [Fact]
    public void Parse_NothingGiven_UsesLocustDefaults()
    {
        CliSettings s = Parse([]).Settings!;

        s.Users.ShouldBe(1);
        s.SpawnRate.ShouldBe(1);
        s.RunTime.ShouldBeNull();
        s.ExitCodeOnError.ShouldBe(1);
        s.StopTimeout.ShouldBe(TimeSpan.Zero);
        s.RequestTimeout.ShouldBe(TimeSpan.FromSeconds(60));
    }

    [Theory]
    [InlineData(new[] { "--users", "-3" }, "--users: '-3' is not valid; give a whole number of users, 0 or more")]
    [InlineData(new[] { "--run-time", "5x" }, "--run-time: '5x' is not valid; give a positive duration such as 90s")]
    [InlineData(new[] { "--spawn-rate", "0" }, "--spawn-rate: '0' is not valid; give users per second above 0")]
    [InlineData(new[] { "--host", "localhost:8080" }, "--host: 'localhost:8080' is not valid; give an absolute http:// or https:// URL")]
    [InlineData(new[] { "--loglevel", "LOUD" }, "--loglevel: 'LOUD' is not valid")]
    [InlineData(new[] { "--stages", "30s:ten" }, "--stages: '30s:ten' is not valid")]
    [InlineData(new[] { "--bogus" }, "unknown option --bogus")]
    public void Parse_BadFlag_ErrorNamesTheFlagTheValueAndWhatIsValid(string[] args, string expected)
    {
        ParseOutcome outcome = Parse(args);

        outcome.Settings.ShouldBeNull();
        outcome.Errors.ShouldContain(e => e.Contains(expected, StringComparison.Ordinal), string.Join(" | ", outcome.Errors));
    }

    [Fact]
    public void Parse_EnvironmentVariables_FillWhatTheCommandLineLacks()
    {
        var environment = new Hashtable
        {
            ["STAMPEDE_HOST"] = "http://127.0.0.1:9000",
            ["STAMPEDE_USERS"] = "40",
            ["STAMPEDE_SPAWN_RATE"] = "4",
            ["STAMPEDE_RUN_TIME"] = "2m",
            ["STAMPEDE_HEADLESS"] = "true",
            ["STAMPEDE_TAGS"] = "a,b",
        };

        CliSettings s = new CommandLine("test").Parse(["--users", "7"], environment).Settings!;

        s.Host.ShouldBe("http://127.0.0.1:9000");
        s.Users.ShouldBe(7, "a flag on the command line wins over the environment");
        s.SpawnRate.ShouldBe(4);
        s.RunTime.ShouldBe(TimeSpan.FromMinutes(2));
        s.Headless.ShouldBeTrue();
        s.Tags.ShouldBe(["a", "b"]);
    }

    [Fact]
    public void Parse_BadEnvironmentValue_ErrorNamesTheVariable()
    {
        ParseOutcome outcome = new CommandLine("test").Parse([], new Hashtable { ["STAMPEDE_USERS"] = "many" });

        outcome.Errors.Single().ShouldContain("--users: 'many' is not valid");
        outcome.Errors.Single().ShouldContain("STAMPEDE_USERS");
    }

    [Fact]
    public void Parse_Stages_ReadDurationsUsersAndRates()
    {
        CliSettings s = Parse(["--stages", "30s:10:5,1m:50,10s:0"]).Settings!;

        s.Stages!.Select(x => (x.Duration.TotalSeconds, x.Users, x.SpawnRate)).ShouldBe([(30.0, 10, 5.0), (60.0, 50, 50.0), (10.0, 0, 1.0)]);
    }

    [Fact]
    public void Parse_SourceAddresses_RepeatedAndRanges_AreEveryAddressInOrder()
    {
        CliSettings s = Parse(["--source-address", "127.0.0.1-127.0.0.3", "--source-address", "127.0.0.9"]).Settings!;

        s.SourceAddresses.Select(a => a.ToString()).ShouldBe(["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.9"]);
    }

    [Theory]
    [InlineData(new[] { "--source-address", "localhost" }, "--source-address: 'localhost' is not an IP address")]
    [InlineData(new[] { "--source-address", "127.0.0.2", "--shared-connections" }, "--source-address spreads each user's own connections over its addresses; leave out --shared-connections")]
    public void Parse_BadSourceAddress_NamesTheFlagAndWhatIsValid(string[] args, string expected)
    {
        ParseOutcome outcome = Parse(args);

        outcome.Settings.ShouldBeNull();
        outcome.Errors.ShouldContain(e => e.Contains(expected));
    }

    [Fact]
    public void EnvironmentVariableFor_FlagName_IsUpperSnakeWithPrefix()
    {
        CommandLine.EnvironmentVariableFor("--spawn-rate").ShouldBe("STAMPEDE_SPAWN_RATE");
    }

    private static ParseOutcome Parse(string[] args) => new CommandLine("test").Parse(args, NoEnvironment);
}
