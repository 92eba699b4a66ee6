using Stampede.Tool.Running;
using Stampede.Tool.Tests.Infrastructure;

namespace Stampede.Tool.Tests.Running;

public sealed class ScenarioCompilerTests : IDisposable
{
    private readonly TempFolder _folder = new("compiler");
    private readonly TempFolder _cache = new("compiler-cache");

    public void Dispose()
    {
        _folder.Dispose();
        _cache.Dispose();
    }

    [Fact]
    public async Task BuildAsync_SameFileAgain_TakenFromTheCacheWithoutCompiling()
    {
        string file = _folder.File("cached.cs");
        await File.WriteAllTextAsync(file, "using Stampede;\nreturn typeof(HttpUser).Name.Length;\n");
        var options = new ScenarioBuildOptions { CacheDirectory = _cache.Path };

        ScenarioBuild first = await ScenarioCompiler.BuildAsync(ScenarioSource.Load(file), options, CancellationToken.None);
        DateTime written = File.GetLastWriteTimeUtc(first.AssemblyPath);
        ScenarioBuild second = await ScenarioCompiler.BuildAsync(ScenarioSource.Load(file), options, CancellationToken.None);

        first.Succeeded.ShouldBeTrue(string.Join('\n', first.Diagnostics));
        first.FromCache.ShouldBeFalse();
        second.FromCache.ShouldBeTrue();
        second.AssemblyPath.ShouldBe(first.AssemblyPath);
        File.GetLastWriteTimeUtc(second.AssemblyPath).ShouldBe(written);
        second.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task BuildAsync_FileChanged_BuiltAgainUnderAnotherKey()
    {
        string file = _folder.File("changed.cs");
        var options = new ScenarioBuildOptions { CacheDirectory = _cache.Path };
        await File.WriteAllTextAsync(file, "return 1;\n");
        ScenarioBuild first = await ScenarioCompiler.BuildAsync(ScenarioSource.Load(file), options, CancellationToken.None);

        await File.WriteAllTextAsync(file, "return 2;\n");
        ScenarioBuild second = await ScenarioCompiler.BuildAsync(ScenarioSource.Load(file), options, CancellationToken.None);

        second.FromCache.ShouldBeFalse();
        second.AssemblyPath.ShouldNotBe(first.AssemblyPath);
        File.Exists(first.AssemblyPath).ShouldBeTrue();
    }

    [Fact]
    public async Task BuildAsync_Rebuild_CompilesEvenWhenCached()
    {
        string file = _folder.File("rebuilt.cs");
        await File.WriteAllTextAsync(file, "return 3;\n");
        await ScenarioCompiler.BuildAsync(ScenarioSource.Load(file), new ScenarioBuildOptions { CacheDirectory = _cache.Path }, CancellationToken.None);

        ScenarioBuild again = await ScenarioCompiler.BuildAsync(ScenarioSource.Load(file), new ScenarioBuildOptions { CacheDirectory = _cache.Path, Rebuild = true }, CancellationToken.None);

        again.FromCache.ShouldBeFalse();
        again.Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task BuildAsync_FileNamedLikeALoadedAssembly_GetsAnotherAssemblyName()
    {
        string file = _folder.File("Stampede.cs");
        await File.WriteAllTextAsync(file, "return 0;\n");

        ScenarioBuild build = await ScenarioCompiler.BuildAsync(ScenarioSource.Load(file), new ScenarioBuildOptions { CacheDirectory = _cache.Path }, CancellationToken.None);

        Path.GetFileName(build.AssemblyPath).ShouldBe("Stampede.Scenario.dll");
    }

    [Fact]
    public async Task BuildAsync_Errors_NotCachedAndNoFolderLeft()
    {
        string file = _folder.File("wrong.cs");
        await File.WriteAllTextAsync(file, "return nothing;\n");

        ScenarioBuild build = await ScenarioCompiler.BuildAsync(ScenarioSource.Load(file), new ScenarioBuildOptions { CacheDirectory = _cache.Path }, CancellationToken.None);

        build.Succeeded.ShouldBeFalse();
        build.Diagnostics.ShouldContain(d => d.IsError && d.Id == "CS0103" && d.Line == 1 && d.Column == 8);
        Directory.GetFileSystemEntries(_cache.Path).ShouldBeEmpty();
    }
}
