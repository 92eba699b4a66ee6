using Stampede.Tool.Running;

namespace Stampede.Tool.Tests.Running;

public sealed class ScenarioSourceTests
{
    [Fact]
    public void ReadDirectives_FileBasedAppHeader_EachKindValueAndLine()
    {
        IReadOnlyList<ScenarioDirective> directives = ScenarioSource.ReadDirectives(
            "#!/usr/bin/env stampede\n#:sdk Microsoft.NET.Sdk.Web\n#:package Humanizer@2.14.1\n#:property PublishAot=false\n// #:package Commented@1.0\nusing Stampede;\n");

        directives.Select(d => (d.Kind, d.Value, d.Line)).ShouldBe(
        [
            ("sdk", "Microsoft.NET.Sdk.Web", 2),
            ("package", "Humanizer@2.14.1", 3),
            ("property", "PublishAot=false", 4),
        ]);
        directives[1].Name.ShouldBe("Humanizer");
        directives[1].Version.ShouldBe("2.14.1");
        directives[2].Property.ShouldBe(("PublishAot", "false"));
    }

    [Fact]
    public void Plan_StampedeProjectAndPackage_IgnoredSoTheFileCompilesInProcess()
    {
        var directives = ScenarioSource.ReadDirectives("#:project ../src/Stampede/Stampede.csproj\n#:package Stampede@0.1.0\n#:property PublishAot=false\n");

        directives.Count.ShouldBe(3);
        ScenarioPlan plan = PlanOf("#:project ../src/Stampede/Stampede.csproj\n#:package Stampede@0.1.0\n#:property PublishAot=false\nreturn 0;\n");

        plan.NeedsProject.ShouldBeFalse();
        plan.Notes.Count.ShouldBe(2);
        plan.Property("publishaot").ShouldBe("false");
    }

    [Theory]
    [InlineData("#:package Humanizer@2.14.1\n")]
    [InlineData("#:project ../lib/MyClients.csproj\n")]
    [InlineData("#:sdk Aspire.AppHost.Sdk\n")]
    public void Plan_PackagesOtherProjectsOrSdks_NeedAProjectBuild(string header) =>
        PlanOf(header + "return 0;\n").NeedsProject.ShouldBeTrue();

    [Fact]
    public void Plan_WebSdk_InProcessWithAspNetCoreUsings()
    {
        ScenarioPlan plan = PlanOf("#:sdk Microsoft.NET.Sdk.Web\nreturn 0;\n");

        plan.NeedsProject.ShouldBeFalse();
        plan.ImplicitUsings.ShouldContain("Microsoft.AspNetCore.Builder");
        plan.ImplicitUsings.ShouldContain("System.Linq");
    }

    private static ScenarioPlan PlanOf(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), "stampede-tool-tests", $"plan-{Guid.NewGuid():N}.cs");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        try
        {
            return ScenarioPlan.For(ScenarioSource.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
