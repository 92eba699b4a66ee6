using System.Collections;
using System.Text.Json;
using Spectre.Console;
using Stampede.Demo;
using Stampede.Demo.Llm;
using Stampede.Tool.Commands;
using Stampede.Tool.Tests.Infrastructure;

namespace Stampede.Tool.Tests.Commands;

/// <summary>
/// <c>stampede llm</c> against the demo's LLM simulator in this process: the batching slowdown shows as concurrency
/// rises, as it would against vLLM. Alone, so the 16 streams' timing is not shared with other tests' work.
/// </summary>
[Collection(nameof(TimingSensitive))]
public sealed class LlmCommandRunTests
{
    [Fact]
    public async Task RunAsync_OneThenSixteenUsers_ItlAndTpotRiseWithTheBatchAndTheSummaryIsInVllmTerms()
    {
        // ITL 10 ms alone; with 16 running, 10 × (1 + 1 × 15 / 16) ≈ 19.4 ms (the simulator's slowdown model).
        await using DemoServer server = await DemoServer.StartAsync(new DemoServerOptions
        {
            Port = 0,
            Workers = 1,
            Llm = new LlmSimulatorOptions { Ttft = TimeSpan.FromMilliseconds(30), Itl = TimeSpan.FromMilliseconds(10), MaxBatch = 16, Slowdown = 1 },
        });
        await server.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        using var folder = new TempFolder("llm-command");

        (int aloneExit, string aloneOutput, JsonElement alone) = await RunAsync(server, folder.File("one.json"), users: 1);
        (int batchExit, string batchOutput, JsonElement batch) = await RunAsync(server, folder.File("sixteen.json"), users: 16);

        aloneExit.ShouldBe(0, aloneOutput);
        batchExit.ShouldBe(0, batchOutput);
        double itlAlone = P50(alone, "itlMs");
        double itlBatch = P50(batch, "itlMs");
        itlAlone.ShouldBeInRange(8, 14, aloneOutput);
        (itlBatch / itlAlone).ShouldBeGreaterThan(1.4, $"ITL p50 alone {itlAlone} ms, with 16 users {itlBatch} ms");
        (P50(batch, "tpotMs") / P50(alone, "tpotMs")).ShouldBeGreaterThan(1.4);
        alone.GetProperty("outputTokens").GetProperty("perRequest").GetProperty("mean").GetDouble().ShouldBe(32, "max_tokens from --output-tokens 32, and the simulator stops there");
        alone.GetProperty("tokenSource").GetString().ShouldBe("usage");
        foreach (string line in new[] { "Successful requests", "Total generated tokens", "Output token throughput (tok/s)", "Median TTFT (ms)", "P99 ITL (ms)", "Mean E2EL (ms)" })
        {
            batchOutput.ShouldContain(line);
        }
    }

    private static async Task<(int Exit, string Output, JsonElement Llm)> RunAsync(DemoServer server, string json, int users)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var settings = new LlmSettings
        {
            BaseUrl = server.Address + "/v1",
            PromptTokens = "64",
            OutputTokens = "32",
            ScenarioArguments = ["--users", users.ToString(System.Globalization.CultureInfo.InvariantCulture), "--spawn-rate", "100", "--run-time", "4s", "--json", json],
        };

        int exit = await LlmCommand.RunAsync(settings, Console(output), errors, new Hashtable(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        string text = output + Environment.NewLine + errors;
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return (exit, text, document.RootElement.GetProperty("aggregated").GetProperty("llm").Clone());
    }

    private static double P50(JsonElement llm, string name) =>
        llm.GetProperty(name).GetProperty("percentiles").GetProperty("50").GetDouble();

    private static IAnsiConsole Console(TextWriter output) =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
}
