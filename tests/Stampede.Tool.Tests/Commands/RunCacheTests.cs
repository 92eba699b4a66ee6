using Stampede.Tool.Tests.Infrastructure;

namespace Stampede.Tool.Tests.Commands;

public sealed class RunCacheTests : IDisposable
{
    private readonly TempFolder _folder = new("run-cache");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Run_SecondTime_TakesTheBuildFromTheCacheWithoutCompiling()
    {
        await File.WriteAllTextAsync(_folder.File("quick.cs"), "using Stampede;\nreturn args.Length == 1 && typeof(HttpUser) is not null ? 0 : 1;\n");
        var environment = new Dictionary<string, string> { ["STAMPEDE_CACHE_DIR"] = _folder.File("cache") };

        ToolOutcome first = await ToolProcess.RunAsync(_folder.Path, environment, "run", "--verbose", "quick.cs", "--headless");
        string dll = Directory.GetFiles(_folder.File("cache"), "quick.dll", SearchOption.AllDirectories).ShouldHaveSingleItem();
        DateTime built = File.GetLastWriteTimeUtc(dll);
        ToolOutcome second = await ToolProcess.RunAsync(_folder.Path, environment, "run", "--verbose", "quick.cs", "--headless");

        first.ExitCode.ShouldBe(0, first.ToString());
        first.Errors.ShouldContain("quick.cs compiled in-process (Roslyn) in ");
        second.ExitCode.ShouldBe(0, second.ToString());
        second.Errors.ShouldContain("quick.cs unchanged: took its build from the cache in ");
        File.GetLastWriteTimeUtc(dll).ShouldBe(built);
        Directory.GetFiles(_folder.File("cache"), "*.dll", SearchOption.AllDirectories).ShouldBe([dll]);
    }
}
