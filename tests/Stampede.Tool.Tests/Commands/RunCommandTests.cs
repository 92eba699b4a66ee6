using Stampede.Tool.Commands;
using Stampede.Tool.Tests.Infrastructure;

namespace Stampede.Tool.Tests.Commands;

// The scenarios here return their exit code without sending a request; StarterFileTests runs real ones as processes.
public sealed class RunCommandTests : IDisposable
{
    private readonly TempFolder _folder = new("run");
    private readonly TempFolder _cache = new("run-cache");
    private readonly StringWriter _errors = new();

    public void Dispose()
    {
        _folder.Dispose();
        _cache.Dispose();
        _errors.Dispose();
    }

    [Fact]
    public void TrySplit_FlagsAfterFile_AllGoToTheScenarioEvenHelpAndVerbose()
    {
        RunSettings? settings = RunCommand.TrySplit(["run", "--verbose", "mine.cs", "--host", "http://127.0.0.1:8080", "-v", "--help"]);

        settings.ShouldNotBeNull();
        settings.File.ShouldBe("mine.cs");
        settings.Verbose.ShouldBeTrue();
        settings.Rebuild.ShouldBeFalse();
        settings.ScenarioArguments.ShouldBe(["--host", "http://127.0.0.1:8080", "-v", "--help"]);
    }

    [Fact]
    public void TrySplit_DoubleDashAfterFile_Dropped()
    {
        RunSettings? settings = RunCommand.TrySplit(["run", "--rebuild", "mine.cs", "--", "--users", "5"]);

        settings.ShouldNotBeNull();
        settings.Rebuild.ShouldBeTrue();
        settings.ScenarioArguments.ShouldBe(["--users", "5"]);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("run", "--help")]
    [InlineData("run", "--verbose")]
    [InlineData("run", "--bogus", "mine.cs")]
    [InlineData("demo", "mine.cs")]
    public void TrySplit_NoFileOrHelp_LeftToTheParser(params string[] args) =>
        RunCommand.TrySplit(args).ShouldBeNull();

    [Fact]
    public async Task RunAsync_FlagsAfterFile_ReachTheScenarioUnchangedAndItsCodeIsTheExitCode()
    {
        string file = Write("args.cs", """
            return args is ["--host", "http://127.0.0.1:1", "--users", "5", "--help"] ? 42 : 1;
            """);

        int exit = await RunAsync(RunCommand.TrySplit(["run", file, "--host", "http://127.0.0.1:1", "--users", "5", "--help"])!);

        exit.ShouldBe(42, _errors.ToString());
    }

    [Fact]
    public async Task RunAsync_CompileErrors_EachWithFileLineColumnItsLineAndACaret_Exit2()
    {
        string file = Write("broken.cs", """
            using Stampede;

            return await StampedeApp.RunAsync(args, typeof(BrokenUser));

            public sealed class BrokenUser : HttpUser
            {
                [Task] public Task Go() => Client.GetAsync(Nowhere);
            }
            """);

        int exit = await RunAsync(new RunSettings(file, []));

        exit.ShouldBe(2);
        string[] lines = _errors.ToString().ReplaceLineEndings("\n").Split('\n');
        lines[0].ShouldBe($"{file}:7:48: error CS0103: The name 'Nowhere' does not exist in the current context");
        lines[1].ShouldBe("    [Task] public Task Go() => Client.GetAsync(Nowhere);");
        lines[2].ShouldBe(new string(' ', 47) + "^");
        lines[3].ShouldBe($"{file} did not compile (1 error); nothing was run.");
        _errors.ToString().ShouldNotContain("   at ");
    }

    [Fact]
    public async Task RunAsync_MissingFile_SaysSoAndExit2()
    {
        int exit = await RunAsync(new RunSettings(_folder.File("absent.cs"), []));

        exit.ShouldBe(2);
        _errors.ToString().ShouldStartWith($"error: the scenario file '{_folder.File("absent.cs")}' does not exist");
    }

    [Fact]
    public async Task RunAsync_NotACSharpFile_SaysSoAndExit2()
    {
        string file = Write("scenario.txt", "return 0;");

        int exit = await RunAsync(new RunSettings(file, []));

        exit.ShouldBe(2);
        _errors.ToString().ShouldStartWith($"error: '{file}' is not a C# file");
    }

    [Fact]
    public async Task RunAsync_RepositoryDirectives_IgnoredAndTheToolsOwnStampedeIsShared()
    {
        // As the examples in the repository begin; the file is in a folder with no repository around it.
        string file = Write("example.cs", """
            #:project ../src/Stampede/Stampede.csproj
            #:property PublishAot=false
            using Stampede;
            AppContext.SetData("stampede.tests.user-type", typeof(HttpUser));
            return 0;
            """);

        int exit = await RunAsync(new RunSettings(file, []));

        exit.ShouldBe(0, _errors.ToString());
        AppContext.GetData("stampede.tests.user-type").ShouldBeSameAs(typeof(HttpUser));
    }

    [Fact]
    public async Task RunAsync_UncaughtException_LeavesAsItWouldLeaveTheScenariosMain()
    {
        string file = Write("throws.cs", """
            await Task.Yield();
            throw new InvalidOperationException("the scenario gave up");
            """);

        var thrown = await Should.ThrowAsync<InvalidOperationException>(() => RunAsync(new RunSettings(file, [])));

        thrown.Message.ShouldBe("the scenario gave up");
    }

    [Fact]
    public async Task RunAsync_PackageDirective_BuildsAProjectWithThePackageAndRunsIt()
    {
        // Shouldly is one of this test project's packages, so its restore needs nothing that is not already here.
        string file = Write("package.cs", """
            #:package Shouldly@4.3.0
            using Shouldly;
            using Stampede;
            "stampede".ShouldStartWith("stamp");
            return typeof(HttpUser).Name == "HttpUser" ? 5 : 1;
            """);

        int exit = await RunAsync(new RunSettings(file, [], Verbose: true));

        exit.ShouldBe(5, _errors.ToString());
        _errors.ToString().ShouldContain("package.cs built with dotnet build in ");
    }

    private string Write(string name, string text)
    {
        string path = _folder.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    private Task<int> RunAsync(RunSettings settings) =>
        RunCommand.RunAsync(settings with { CacheDirectory = _cache.Path }, _errors, CancellationToken.None);
}
