using System.Text.Json;
using Stampede.Tool.Tests.Infrastructure;

namespace Stampede.Tool.Tests.Examples;

/// <summary>
/// The inference-protocol examples in <c>examples/</c> (REST and gRPC), run as a user would (<c>stampede run</c>, as the files say)
/// against <c>serve-demo</c>: each of their rows gets requests and no failures, so the tensors each encoding sends are
/// ones the demo model takes and every answer passed the example's own output check.
/// </summary>
[Collection(ServeDemoCollection.Name)]
public sealed class InferenceExampleTests(ServeDemoFixture demo) : IDisposable
{
    private readonly TempFolder _folder = new("inference-examples");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Run_KServeTfServingAndGrpcExamples_EveryRowSucceeds()
    {
        Task<Dictionary<string, (long Requests, long Failures)>> kserve = RunAsync("kserve-v2-rest.cs", demo.Address);
        Task<Dictionary<string, (long Requests, long Failures)>> tf = RunAsync("tfserving-rest.cs", demo.Address);
        Task<Dictionary<string, (long Requests, long Failures)>> grpc = RunAsync("kserve-v2-grpc.cs", demo.GrpcAddress);

        Dictionary<string, (long Requests, long Failures)> kserveRows = await kserve;
        Dictionary<string, (long Requests, long Failures)> tfRows = await tf;
        Dictionary<string, (long Requests, long Failures)> grpcRows = await grpc;

        // Every encoding was sent (the 30% tasks too: 4 users for 6 s run about 24 tasks in all), and no request failed.
        // The examples' occasional status checks (1 task in 11, or 3 in 10) may not come up in so short a run.
        kserveRows.Keys.ShouldBe(["infer binary", "infer json"], ignoreOrder: true);
        tfRows.Keys.ShouldContain("predict instances");
        tfRows.Keys.ShouldContain("predict inputs");
        tfRows.Keys.ShouldBeSubsetOf(["model status", "predict inputs", "predict instances"]);
        grpcRows.Keys.ShouldContain("ModelInfer");
        grpcRows.Keys.ShouldBeSubsetOf(["ModelInfer", "ModelReady"]);
        foreach ((string row, (long requests, long failures)) in kserveRows.Concat(tfRows).Concat(grpcRows))
        {
            requests.ShouldBeGreaterThan(0, row);
            failures.ShouldBe(0, row);
        }
    }

    private async Task<Dictionary<string, (long Requests, long Failures)>> RunAsync(string example, string host)
    {
        string folder = Path.Combine(_folder.Path, Path.GetFileNameWithoutExtension(example));
        Directory.CreateDirectory(folder);
        string json = Path.Combine(folder, "run.json");
        var environment = new Dictionary<string, string> { ["STAMPEDE_CACHE_DIR"] = Path.Combine(folder, "cache") };

        ToolOutcome run = await ToolProcess.RunAsync(
            folder, environment, "run", Path.Combine(Root, "examples", example), "--host", host, "--users", "4", "--spawn-rate", "4", "--run-time", "6s", "--headless", "--only-summary", "--json", json);

        run.ExitCode.ShouldBe(0, run.ToString());
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return document.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(
            r => r.GetProperty("name").GetString()!,
            r => (r.GetProperty("requests").GetInt64(), r.GetProperty("failures").GetInt64()));
    }

    private static string Root => RepositoryRoot.Path;
}
