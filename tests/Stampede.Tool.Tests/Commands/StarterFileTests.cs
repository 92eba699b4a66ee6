using System.Text.Json;
using Stampede.Tool.Tests.Infrastructure;

namespace Stampede.Tool.Tests.Commands;

/// <summary>
/// What a user with only the tool does: <c>stampede new</c> in an empty folder outside the repository, then
/// <c>stampede run</c> of that file against a server, each as its own process, with an empty cache.
/// </summary>
/// <remarks>
/// The six starters run at the same time (each compiles, then loads its server for a few seconds): one after the
/// other they took about 45 s on the 2-core machine, together about a third of that.
/// </remarks>
[Collection(ServeDemoCollection.Name)]
public sealed class StarterFileTests(ServeDemoFixture demo) : IDisposable
{
    private readonly TempFolder _folder = new("starters");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task NewThenRun_EveryTemplate_RequestsSucceed()
    {
        (string Template, Task<Outcome> Run)[] runs =
        [
            ("http", NewThenRunAsync("http", demo.Address, "--users", "2", "--spawn-rate", "2")),
            ("images", NewThenRunAsync("images", demo.Address, "--users", "2", "--spawn-rate", "2")),
            ("kserve", NewThenRunAsync("kserve", demo.Address, "--users", "2", "--spawn-rate", "2")),
            ("grpc", NewThenRunAsync("grpc", demo.GrpcAddress, "--users", "2", "--spawn-rate", "2")),

            // The open-model file asks for its own arrival rate; --users would be the closed model.
            ("open-model", NewThenRunAsync("open-model", demo.Address)),
            // A long answer streams 256 tokens at 20 ms each, about 5 s: 6 s left none complete when six starters shared the machine.
            ("llm", NewThenRunAsync("llm", demo.Address, "--users", "2", "--spawn-rate", "2", "--run-time", "15s")),
        ];
        await Task.WhenAll(runs.Select(r => r.Run));

        foreach ((string template, Task<Outcome> run) in runs)
        {
            Outcome outcome = await run;
            string context = $"{template}: {outcome.Run}";
            outcome.New.ExitCode.ShouldBe(0, $"{template}: {outcome.New}");
            outcome.FilesAfterNew.ShouldBe(["mine.cs"], context);
            outcome.Run.ExitCode.ShouldBe(0, context);
            outcome.Requests.ShouldBeGreaterThan(0, context);
            outcome.Failures.ShouldBe(0, context);
        }

        // The llm starter, as written, against serve-demo --llm: every request was a stream read to its end.
        Outcome llm = await runs.Single(r => r.Template == "llm").Run;
        llm.StreamsCompleted.ShouldBe(llm.Requests, llm.Run.ToString());

        // The scenario's own help, from its cached build, names the command the user typed.
        ToolOutcome help = await ToolProcess.RunAsync(
            Path.Combine(_folder.Path, "http"), new Dictionary<string, string> { ["STAMPEDE_CACHE_DIR"] = Path.Combine(_folder.Path, "http-cache") }, "run", "mine.cs", "--help");
        help.ExitCode.ShouldBe(0, help.ToString());
        help.Output.ShouldContain("  stampede run mine.cs [options]", customMessage: help.ToString());
        help.Output.ShouldNotContain("Stampede.Tool");
    }

    private async Task<Outcome> NewThenRunAsync(string template, string host, params string[] load)
    {
        string folder = Path.Combine(_folder.Path, template);
        Directory.CreateDirectory(folder);
        var environment = new Dictionary<string, string>
        {
            ["STAMPEDE_CACHE_DIR"] = Path.Combine(_folder.Path, template + "-cache"),
        };

        ToolOutcome created = await ToolProcess.RunAsync(folder, environment, "new", "mine", "--template", template);
        string[] files = [.. Directory.GetFileSystemEntries(folder).Select(Path.GetFileName)!];
        ToolOutcome run = await ToolProcess.RunAsync(
            folder, environment, ["run", "mine.cs", "--host", host, .. load, .. (load.Contains("--run-time") ? Array.Empty<string>() : ["--run-time", "6s"]), "--headless", "--only-summary", "--json", "run.json"]);
        if (!File.Exists(Path.Combine(folder, "run.json")))
        {
            return new Outcome(created, files, run, 0, 0, 0);
        }

        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "run.json")));
        JsonElement aggregated = document.RootElement.GetProperty("aggregated");
        long streams = aggregated.TryGetProperty("llm", out JsonElement llm) && llm.ValueKind == JsonValueKind.Object ? llm.GetProperty("requests").GetInt64() : 0;
        return new Outcome(created, files, run, aggregated.GetProperty("requests").GetInt64(), aggregated.GetProperty("failures").GetInt64(), streams);
    }

    private sealed record Outcome(ToolOutcome New, string[] FilesAfterNew, ToolOutcome Run, long Requests, long Failures, long StreamsCompleted);
}
