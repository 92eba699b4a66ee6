using System.Text.Json;
using Stampede.Core.Tests.Infrastructure;
using Stampede.Tests.Cluster;

namespace Stampede.Tests.Reports;

/// <summary>The JSON names the garbage collector the generator ran (docs/gc.md), as the runtime was told it by the environment.</summary>
public sealed class GcModeTests
{
    [Theory]
    [InlineData("0", "0", "workstation")]
    [InlineData("1", "1", "server (DATAS)")]
    [InlineData("1", "0", "server")]
    public async Task Run_GcSettings_TheJsonNamesTheGcTheGeneratorRan(string server, string datas, string expected)
    {
        await using LoopbackServer target = await LoopbackServer.StartAsync();
        string json = Path.Combine(Path.GetTempPath(), $"stampede-gc-{Guid.NewGuid():N}.json");
        try
        {
            await using ScenarioProcess run = ScenarioProcess.Start(
                ["--host", target.Address, "-u", "1", "-r", "1", "-t", "1s", "--headless", "--only-summary", "--json", json],
                mix: false,
                environment: new Dictionary<string, string> { ["DOTNET_gcServer"] = server, ["DOTNET_GCDynamicAdaptationMode"] = datas });
            (await run.ExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(0, run.Output);

            using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            document.RootElement.GetProperty("generator").GetProperty("gcMode").GetString().ShouldBe(expected);
        }
        finally
        {
            File.Delete(json);
        }
    }
}
