using Stampede.Tool.Commands;
using Stampede.Tool.Templates;
using Stampede.Tool.Tests.Infrastructure;

namespace Stampede.Tool.Tests.Commands;

public sealed class NewCommandTests : IDisposable
{
    private readonly TempFolder _folder = new("new");
    private readonly StringWriter _output = new();
    private readonly StringWriter _errors = new();

    public void Dispose()
    {
        _folder.Dispose();
        _output.Dispose();
        _errors.Dispose();
    }

    [Fact]
    public async Task RunAsync_NoName_WritesScenarioCsAndNothingElse()
    {
        int exit = await NewAsync(new NewSettings(NewCommand.DefaultName, ScenarioTemplates.DefaultName, _folder.Path, Force: false));

        exit.ShouldBe(0, _errors.ToString());
        Directory.GetFileSystemEntries(_folder.Path).ShouldBe([_folder.File("scenario.cs")]);
        _output.ToString().ShouldContain("stampede run ");
        _output.ToString().ShouldContain("scenario.cs --host http://127.0.0.1:8080");
    }

    [Theory]
    [InlineData("mine", "mine.cs")]
    [InlineData("mine.cs", "mine.cs")]
    public async Task RunAsync_Name_WithCsOnce(string name, string written)
    {
        int exit = await NewAsync(new NewSettings(name, "images", _folder.Path, Force: false));

        exit.ShouldBe(0, _errors.ToString());
        Directory.GetFileSystemEntries(_folder.Path).ShouldBe([_folder.File(written)]);
    }

    [Fact]
    public async Task RunAsync_FileExists_RefusedAndLeftAlone()
    {
        await File.WriteAllTextAsync(_folder.File("mine.cs"), "// mine");

        int exit = await NewAsync(new NewSettings("mine", "http", _folder.Path, Force: false));

        exit.ShouldBe(2);
        _errors.ToString().ShouldContain("already exists; pass --force to overwrite it");
        (await File.ReadAllTextAsync(_folder.File("mine.cs"))).ShouldBe("// mine");
    }

    [Fact]
    public async Task RunAsync_FileExistsWithForce_Overwritten()
    {
        await File.WriteAllTextAsync(_folder.File("mine.cs"), "// mine");

        int exit = await NewAsync(new NewSettings("mine", "kserve", _folder.Path, Force: true));

        exit.ShouldBe(0, _errors.ToString());
        (await File.ReadAllTextAsync(_folder.File("mine.cs"))).ShouldContain("/v2/models/");
    }

    [Fact]
    public async Task RunAsync_OutputFolderMissing_Created()
    {
        string folder = Path.Combine(_folder.Path, "load", "tests");

        int exit = await NewAsync(new NewSettings("mine", "open-model", folder, Force: false));

        exit.ShouldBe(0, _errors.ToString());
        File.Exists(Path.Combine(folder, "mine.cs")).ShouldBeTrue();
    }

    [Theory]
    [InlineData("sub/mine")]
    [InlineData("..")]
    [InlineData("")]
    public async Task RunAsync_NameNotAFileName_Refused(string name)
    {
        int exit = await NewAsync(new NewSettings(name, "http", _folder.Path, Force: false));

        exit.ShouldBe(2);
        _errors.ToString().ShouldContain("is not a file name");
        Directory.GetFileSystemEntries(_folder.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_UnknownTemplate_NamesTheValidOnes()
    {
        int exit = await NewAsync(new NewSettings("mine", "tensorflow", _folder.Path, Force: false));

        exit.ShouldBe(2);
        _errors.ToString().ShouldContain("give one of http, images, llm, kserve, grpc, open-model");
    }

    [Fact]
    public void Render_EveryTemplate_RunsWithoutTheRepositoryAndSaysHowToRunIt()
    {
        foreach (ScenarioTemplate template in ScenarioTemplates.All)
        {
            string text = ScenarioTemplates.Render(template, "mine.cs");

            text.ShouldNotContain("#:project", customMessage: template.Name);
            text.ShouldContain("stampede run mine.cs", customMessage: template.Name);
            text.ShouldContain("dotnet run mine.cs", customMessage: template.Name);
            text.ShouldContain($"// #:package Stampede@{StampedeApp.Version}", customMessage: template.Name);
            text.ShouldContain("StampedeApp.RunAsync(", customMessage: template.Name);
            // A generator's GC (docs/gc.md): `dotnet run` of the file builds it with server GC without DATAS, as `stampede run` runs it.
            text.ShouldContain("#:property ServerGarbageCollection=true", customMessage: template.Name);
            text.ShouldContain("#:property GarbageCollectionAdaptationMode=0", customMessage: template.Name);
            text.ShouldNotContain("{{", customMessage: template.Name);
        }
    }

    private Task<int> NewAsync(NewSettings settings) => NewCommand.RunAsync(settings, _output, _errors, CancellationToken.None);
}
