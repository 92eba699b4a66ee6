using System.Xml.Linq;
using Stampede.Tool.Tests.Infrastructure;

namespace Stampede.Tool.Tests;

/// <summary>
/// The package shape that keeps the tool under 100 MB (bench/package-size/RESULTS.md), read from the project files:
/// packing takes minutes, so bench/package-size/run.sh packs and measures, and these guard the settings in seconds.
/// </summary>
public sealed class ToolPackageTests
{
    private static readonly string Root = RepositoryRoot.Path;

    [Fact]
    public void ToolProject_RuntimeIdentifiers_AreTheFourPlatformsOfOneToolPackageEach()
    {
        XDocument tool = Load("src/Stampede.Tool/Stampede.Tool.csproj");

        Property(tool, "PackAsTool").ShouldBe("true");
        Property(tool, "ToolCommandName").ShouldBe("stampede");
        Property(tool, "PackageId").ShouldBe("Stampede.Tool");
        Property(tool, "RuntimeIdentifiers").Split(';').ShouldBe(["linux-x64", "linux-arm64", "osx-arm64", "win-x64"]);
        Property(tool, "ToolPackageRuntimeIdentifiers").ShouldBe("$(RuntimeIdentifiers)");
    }

    [Fact]
    public void ToolProject_Package_LeavesOutSatellitesAndNativeSymbols()
    {
        XDocument tool = Load("src/Stampede.Tool/Stampede.Tool.csproj");

        Property(tool, "SatelliteResourceLanguages").ShouldBe("en");
        var removed = tool.Descendants("Target").Descendants("NativeCopyLocalItems")
            .Concat(tool.Descendants("Target").Descendants("RuntimeTargetsCopyLocalItems"))
            .Where(item => item.Attribute("Remove") is not null)
            .Select(item => (string?)item.Attribute("Condition") ?? "")
            .ToList();
        removed.Count.ShouldBe(2);
        removed.ShouldAllBe(condition => condition.Contains("'.pdb'") && condition.Contains("'.dbg'"));
    }

    [Theory]
    [InlineData("src/Stampede")]
    [InlineData("src/Stampede.Core")]
    [InlineData("src/Stampede.Tool")]
    public void ShippedProject_Package_HasItsReadmeAndTheLicence(string project)
    {
        XDocument shared = Load("src/Directory.Build.props");

        File.Exists(Path.Combine(Root, project, "PACKAGE.md")).ShouldBeTrue($"{project}/PACKAGE.md is the package's readme");
        Property(shared, "PackageReadmeFile").ShouldBe("PACKAGE.md");
        Property(shared, "PackageLicenseExpression").ShouldBe("MIT");
        Property(shared, "Authors").ShouldBe("Stampede contributors");
        File.ReadAllText(Path.Combine(Root, "LICENSE")).ShouldStartWith("MIT License");
    }

    [Fact]
    public void Packing_OutsideTheShippedProjects_IsOff()
    {
        Property(Load("Directory.Build.props"), "IsPackable").ShouldBe("false");
        Property(Load("src/Directory.Build.props"), "IsPackable").ShouldBe("true");
        Property(Load("src/Stampede.DemoServer/Stampede.DemoServer.csproj"), "IsPackable").ShouldBe("false");
    }

    [Fact]
    public void Generators_ServerGc_TheToolTheExamplesAndEveryPackageConsumer()
    {
        // docs/gc.md: at 10,000 users the workstation GC paused the generator 50-120 ms in every second.
        // And without DATAS: 50 users at full speed saw 11-23 collections and 22-55 ms of pauses a second with it, 2-4 and 2-7 ms without.
        Property(Load("src/Stampede.Tool/Stampede.Tool.csproj"), "ServerGarbageCollection").ShouldBe("true");
        Property(Load("src/Stampede.Tool/Stampede.Tool.csproj"), "GarbageCollectionAdaptationMode").ShouldBe("0");
        XDocument props = Load("src/Stampede/buildTransitive/Stampede.props");
        foreach ((string name, string value) in (ReadOnlySpan<(string, string)>)[("ServerGarbageCollection", "true"), ("GarbageCollectionAdaptationMode", "0")])
        {
            XElement setting = props.Root!.Elements("PropertyGroup").Elements(name).Single();
            setting.Value.ShouldBe(value);
            setting.Attribute("Condition")!.Value.ShouldBe($"'$({name})' == ''", "an app's own choice wins");
        }

        XElement packed = Load("src/Stampede/Stampede.csproj").Root!.Elements("ItemGroup").Elements("None")
            .Single(e => e.Attribute("Update")?.Value == "buildTransitive/Stampede.props");
        packed.Attribute("PackagePath")!.Value.Split(';').ShouldBe(["buildTransitive/Stampede.props", "build/Stampede.props"]);
        foreach (string example in Directory.GetFiles(Path.Combine(Root, "examples"), "*.cs"))
        {
            File.ReadAllText(example).ShouldContain("#:property ServerGarbageCollection=true", customMessage: example);
            File.ReadAllText(example).ShouldContain("#:property GarbageCollectionAdaptationMode=0", customMessage: example);
        }
    }

    private static XDocument Load(string relativePath) => XDocument.Load(Path.Combine(Root, relativePath), LoadOptions.SetBaseUri);

    private static string Property(XDocument project, string name) =>
        project.Root!.Elements("PropertyGroup").Elements(name).LastOrDefault()?.Value.Trim()
        ?? throw new ShouldAssertException($"{project.BaseUri} sets no {name}");
}
