using Stampede.Analysis;

namespace Stampede.Core.Tests.Analysis;

public sealed class SloFileTests
{
    [Fact]
    public void Parse_LatencyAndErrorRateObjectives_ReadsBoth()
    {
        IReadOnlyList<SloObjective> objectives = SloFile.Parse("""
            {
              // comments and trailing commas are allowed
              "objectives": [
                { "name": "large images", "row": "predict large", "percent": 99, "under": "400ms" },
                { "under": "0.5%" },
              ]
            }
            """);

        objectives.Count.ShouldBe(2);
        objectives[0].ShouldBe(objectives[0] with { Name = "large images", Row = "predict large", Kind = SloKind.Latency, LatencyLimitMs = 400 });
        objectives[0].AllowedBadRatio.ShouldBe(0.01, 1e-12);
        objectives[1].Kind.ShouldBe(SloKind.ErrorRate);
        objectives[1].AllowedBadRatio.ShouldBe(0.005, 1e-12);
        objectives[1].Row.ShouldBeNull();
        objectives[1].Name.ShouldBe("error rate under 0.5%");
    }

    [Fact]
    public void Describe_ScopedLatencyObjective_ReadsAsASentence()
    {
        SloFile.Parse("""{ "objectives": [ { "row": "predict", "percent": 99.9, "under": "1.5s" } ] }""")[0]
            .Name.ShouldBe("\"predict\": 99.9% of requests under 1500 ms");
    }

    [Theory]
    [InlineData("[]", "must be an object with an \"objectives\" list")]
    [InlineData("""{ "objectives": [] }""", "has no objectives")]
    [InlineData("""{ "objectives": [], "window": 60 }""", "unknown property \"window\"")]
    [InlineData("""{ "objectives": [ { "percent": 99 } ] }""", "objectives[0]: \"under\" is missing")]
    [InlineData("""{ "objectives": [ { "percent": 99, "under": "400ms", "rows": "x" } ] }""", "objectives[0]: unknown property \"rows\"")]
    [InlineData("""{ "objectives": [ { "under": "1%" }, { "percent": 100, "under": "400ms" } ] }""", "objectives[1].percent must be a number above 0 and below 100")]
    [InlineData("""{ "objectives": [ { "percent": 99, "under": "400" } ] }""", "objectives[0].under is \"400\": expected a time such as \"400ms\"")]
    [InlineData("""{ "objectives": [ { "under": "400ms" } ] }""", "objectives[0].under is \"400ms\": expected an error rate such as \"0.5%\", or add \"percent\"")]
    [InlineData("""{ "objectives": [ { "under": "0%" } ] }""", "leaves no error budget")]
    [InlineData("""{ "objectives": [ { "row": 3, "under": "1%" } ] }""", "objectives[0].row must be a non-empty string")]
    [InlineData("{ nope", "is not valid JSON")]
    public void Parse_Invalid_NamesTheObjectiveAndProperty(string json, string expected)
    {
        InvalidDataException e = Should.Throw<InvalidDataException>(() => SloFile.Parse(json, "'slo.json'"));

        e.Message.ShouldStartWith("'slo.json'");
        e.Message.ShouldContain(expected);
    }

    [Fact]
    public void ParseYaml_SameObjectivesAsJson_ReadsTheSame()
    {
        IReadOnlyList<SloObjective> fromYaml = SloFile.ParseYaml("""
            # 99% of large images under 400 ms, and at most 0.5% errors overall
            objectives:
              - name: large images
                row: predict large
                percent: 99
                under: 400ms
              - under: "0.5%"
            """);
        IReadOnlyList<SloObjective> fromJson = SloFile.Parse("""
            { "objectives": [ { "name": "large images", "row": "predict large", "percent": 99, "under": "400ms" }, { "under": "0.5%" } ] }
            """);

        fromYaml.ShouldBe(fromJson);
    }

    [Theory]
    [InlineData("objectives: [ { percent: 99, under: 400ms", "is not valid YAML")]
    [InlineData("objectives:\n  - percent: ninety\n    under: 400ms", "objectives[0].percent must be a number")]
    [InlineData("objectives:\n  - percent: 99\n    under: 400ms\n    rows: x", "objectives[0]: unknown property \"rows\"")]
    [InlineData("- under: 1%", "must be an object with an \"objectives\" list")]
    [InlineData("", "must be an object with an \"objectives\" list")]
    public void ParseYaml_Invalid_NamesTheProblem(string yaml, string expected)
    {
        InvalidDataException e = Should.Throw<InvalidDataException>(() => SloFile.ParseYaml(yaml, "'slo.yaml'"));

        e.Message.ShouldStartWith("'slo.yaml'");
        e.Message.ShouldContain(expected);
    }

    [Theory]
    [InlineData(".yaml")]
    [InlineData(".yml")]
    public async Task ReadAsync_YamlExtension_ReadsYaml(string extension)
    {
        string path = Path.Combine(Path.GetTempPath(), $"stampede-slo-{Guid.NewGuid():N}{extension}");
        await File.WriteAllTextAsync(path, "objectives:\n  - percent: 95\n    under: 200ms\n");
        try
        {
            SloObjective objective = (await SloFile.ReadAsync(path)).ShouldHaveSingleItem();

            objective.LatencyLimitMs.ShouldBe(200);
            objective.AllowedBadRatio.ShouldBe(0.05, 1e-12);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ReadAsync_File_ReadsTheObjectives()
    {
        string path = Path.Combine(Path.GetTempPath(), $"stampede-slo-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{ "objectives": [ { "percent": 95, "under": "200ms" } ] }""");
        try
        {
            (await SloFile.ReadAsync(path)).Single().LatencyLimitMs.ShouldBe(200);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
