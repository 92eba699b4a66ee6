using System.Text.RegularExpressions;
using Stampede.Core.Tests.Infrastructure;
using Stampede.Demo.Llm;
using Stampede.Demo.Tests.Infrastructure;

namespace Stampede.Demo.Tests.Llm;

public sealed class LlmRunTests
{
    [Fact]
    public async Task RunAsync_WithLlm_ListsTheSimulatorRoutesAndItsTiming()
    {
        var output = new StringWriter();
        var synchronizedOutput = TextWriter.Synchronized(output);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var run = DemoServer.RunAsync(new DemoServerOptions { Workers = 1, Llm = new LlmSimulatorOptions() }, synchronizedOutput, new StringWriter(), stop.Token);
        await Eventually.TrueAsync(() => Text(output).Contains("Press Ctrl+C", StringComparison.Ordinal), "the server says it is ready", 60_000);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        var address = Regex.Match(Text(output), @"listening on (http://127\.0\.0\.1:\d+)").Groups[1].Value;
        Text(output).ShouldContain($"POST {address}{LlmEndpoints.ChatRoute}");
        Text(output).ShouldContain($"POST {address}{LlmEndpoints.CompletionsRoute}");
        Text(output).ShouldContain("LLM simulator: TTFT 200 ms + 0.2 ms per prompt token, ITL 20 ms (jitter 0), batch 8 (slowdown 0.5)");
    }

    private static string Text(StringWriter writer)
    {
        lock (writer)
        {
            return writer.ToString();
        }
    }
}
