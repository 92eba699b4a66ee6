using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Shouldly;
using Stampede.Llm;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Core.Tests.Infrastructure;
using Xunit;

namespace Stampede.Core.Tests.Llm;

/// <summary>
/// The LLM client against a loopback OpenAI-compatible server whose stream is scripted: the first token 120 ms
/// after the request, then one every 30 ms. The server's waits are timers, which may fire up to a millisecond or so
/// early: the lower bounds allow 2 ms.
/// </summary>
[Collection(nameof(TimingSensitive))]
public sealed class LlmClientTests
{
    private const int FirstTokenMs = 120;
    private const int TokenGapMs = 30;
    private static readonly string[] Tokens = ["The", " p99", " is", " the", " 99th", " percentile"];

    [Fact]
    public async Task ChatAsync_Streamed_RecordsTheRowWithTtftAsFirstByteAndTimesEveryToken()
    {
        var bodies = new ConcurrentQueue<(string Body, string? Authorization)>();
        await using LoopbackServer server = await LoopbackServer.StartAsync(context => ServeAsync(context, bodies, "ok"));

        (RunResult run, LlmResult result) = await RunAsync(server.Address, "ok");

        result.Succeeded.ShouldBeTrue(result.Http.Error);
        result.Text.ShouldBe(string.Concat(Tokens));
        result.OutputTokens.ShouldBe(Tokens.Length);
        result.OutputTokenSource.ShouldBe(TokenSource.Usage);
        result.InputTokens.ShouldBe(12);
        CompletionTiming timing = result.Timing.ShouldNotBeNull();
        timing.TimeToFirstToken!.Value.TotalMilliseconds.ShouldBeInRange(FirstTokenMs - 2, FirstTokenMs + 60);
        timing.InterTokenLatencies.Count.ShouldBe(Tokens.Length - 1);
        timing.InterTokenLatencies.ShouldAllBe(gap => gap.TotalMilliseconds >= TokenGapMs - 2 && gap.TotalMilliseconds <= TokenGapMs + 25);
        double tpot = (timing.EndToEnd - timing.TimeToFirstToken.Value).TotalMilliseconds / (Tokens.Length - 1);
        timing.TimePerOutputToken!.Value.TotalMilliseconds.ShouldBe(tpot, 1e-3); // TimeSpan keeps 100 ns ticks

        // The row: one request, its time to first byte the first token, its response time the whole stream.
        RowStats row = run.Stats.Rows.Single(r => r.Key.Name == "chat short");
        row.Requests.ShouldBe(1);
        row.Failures.ShouldBe(0);
        row.AverageTimeToFirstByteMs.ShouldBeInRange(FirstTokenMs - 2, FirstTokenMs + 60);
        row.AverageMs.ShouldBeGreaterThanOrEqualTo(FirstTokenMs + ((Tokens.Length - 1) * TokenGapMs));

        // Its LLM statistics: the same stream, from the run's own clock.
        LlmStats llm = row.Llm.ShouldNotBeNull();
        llm.Requests.ShouldBe(1);
        llm.TtftMs.Min.ShouldBeInRange(FirstTokenMs - 2, FirstTokenMs + 60);
        llm.ItlMs.Count.ShouldBe(Tokens.Length - 1);
        llm.OutputTokensTotal.ShouldBe(Tokens.Length);
        llm.InputTokensTotal.ShouldBe(12);
        llm.TokenSource.ShouldBe("usage");

        // What the server was asked: the model, the stream with usage, the settings and the extra field, the key.
        bodies.Count.ShouldBe(2);
        (string body, string? authorization) = bodies.Last();
        using JsonDocument sent = JsonDocument.Parse(body);
        sent.RootElement.GetProperty("model").GetString().ShouldBe("stub-model");
        sent.RootElement.GetProperty("messages")[0].GetProperty("content").GetString().ShouldBe("What is a p99?");
        sent.RootElement.GetProperty("stream").GetBoolean().ShouldBeTrue();
        sent.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean().ShouldBeTrue();
        sent.RootElement.GetProperty("max_tokens").GetInt32().ShouldBe(64);
        sent.RootElement.GetProperty("ignore_eos").GetBoolean().ShouldBeTrue();
        authorization.ShouldBe("Bearer test-key");
    }

    [Fact]
    public async Task ChatAsync_ServerSendsNoUsage_TheTokenizerCountsTheAnswerAndThePrompt()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(context => ServeAsync(context, new(), "no-usage"));

        (RunResult run, LlmResult result) = await RunAsync(server.Address, "no-usage");

        result.Succeeded.ShouldBeTrue(result.Http.Error);
        result.OutputTokenSource.ShouldBe(TokenSource.Tokenizer);
        result.InputTokenSource.ShouldBe(TokenSource.Tokenizer);
        string answer = string.Concat(Tokens);
        int answerTokens = LlmTokenizer.Cl100kBase.CountTokens(answer);
        answerTokens.ShouldNotBe(Tokens.Length); // " p99" and " 99th" are more than one token each: the count is not the events'
        result.OutputTokens.ShouldBe(answerTokens);
        result.InputTokens.ShouldBe(LlmTokenizer.Cl100kBase.CountTokens("What is a p99?"));
        CompletionTiming timing = result.Timing.ShouldNotBeNull();
        timing.OutputTokens.ShouldBe(answerTokens);
        timing.TimePerOutputToken!.Value.TotalMilliseconds.ShouldBe((timing.EndToEnd - timing.TimeToFirstToken!.Value).TotalMilliseconds / (answerTokens - 1), 1e-3);

        LlmStats llm = run.Stats.Rows.Single(r => r.Key.Name == "chat short").Llm.ShouldNotBeNull();
        llm.OutputTokensTotal.ShouldBe(answerTokens);
        llm.InputTokensTotal.ShouldBe(result.InputTokens!.Value);
        llm.TokenSource.ShouldBe("tokenizer");
    }

    [Theory]
    [InlineData("error", "StreamError: the server sent an error mid-stream: KV cache exhausted")]
    [InlineData("drop", "ResponseEnded: the connection failed mid-stream")]
    public async Task ChatAsync_StreamFailsMidway_AFailedRequestWithTheTokensSoFar(string mode, string reason)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(context => ServeAsync(context, new(), mode));

        (RunResult run, LlmResult result) = await RunAsync(server.Address, mode);

        result.Succeeded.ShouldBeFalse();
        result.Http.Error.ShouldNotBeNull().ShouldStartWith(reason);
        result.Text.ShouldBe(string.Concat(Tokens.Take(3)));
        result.Timing.ShouldNotBeNull().TimeToFirstToken.ShouldNotBeNull();
        RowStats row = run.Stats.Rows.Single(r => r.Key.Name == "chat short");
        row.Failures.ShouldBe(1);
        run.Stats.Failures.Single().Error.ShouldStartWith(reason);

        // As vLLM's benchmark does, a failed stream is left out of the LLM statistics.
        row.Llm.ShouldBeNull();
    }

    private static async Task<(RunResult Run, LlmResult Result)> RunAsync(string host, string mode)
    {
        Probe probe = Probe.Start();
        probe.Settings["mode"] = mode;
        var options = new LoadTestOptions { Host = host, Users = 1, SpawnRate = 10, RequestTimeout = TimeSpan.FromSeconds(10) };
        using var test = new LoadTest(options, [typeof(ChatOnceUser)]);
        RunResult run = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));
        run.StopReason.ShouldBe(StopReason.AllUsersStopped);
        return (run, (LlmResult)probe.Settings["result"]);
    }

    /// <summary>The scripted server: role delta, the tokens on the clock, then usage and [DONE] (or an error, or a dropped connection, after three tokens).</summary>
    private static async Task<bool> ServeAsync(HttpContext context, ConcurrentQueue<(string, string?)> bodies, string mode)
    {
        if (context.Request.Path != "/v1/chat/completions")
        {
            return false;
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync();
        bodies.Enqueue((body, context.Request.Headers.Authorization.FirstOrDefault()));
        mode = body.Contains("warm up", StringComparison.Ordinal) ? "ok" : mode;
        context.Response.StatusCode = (int)HttpStatusCode.OK;
        context.Response.ContentType = "text/event-stream";
        async Task SendAsync(string json)
        {
            await context.Response.WriteAsync($"data: {json}\n\n");
            await context.Response.Body.FlushAsync();
        }

        await SendAsync("""{"choices":[{"index":0,"delta":{"role":"assistant"}}]}""");
        await Task.Delay(FirstTokenMs);
        for (int i = 0; i < Tokens.Length; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TokenGapMs);
            }

            if (i == 3 && mode == "error")
            {
                await SendAsync("""{"error":{"message":"KV cache exhausted","type":"server_error"}}""");
                return true;
            }

            if (i == 3 && mode == "drop")
            {
                context.Abort();
                return true;
            }

            await SendAsync(JsonSerializer.Serialize(new { choices = new[] { new { index = 0, delta = new { content = Tokens[i] } } } }));
        }

        if (mode != "no-usage")
        {
            await SendAsync("""{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":6,"total_tokens":18}}""");
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
        return true;
    }

    internal sealed class ChatOnceUser : HttpUser
    {
        private bool _done;

        public override Task OnStartAsync()
        {
            Llm.Model = "stub-model";
            Llm.ApiKey = "test-key";
            return Task.CompletedTask;
        }

        [Task]
        public async Task Chat()
        {
            if (_done)
            {
                throw new StopUserException();
            }

            _done = true;

            // A first request opens the connection and compiles both ends' code paths: the measured one is the second.
            await Llm.ChatAsync("warm up", new LlmRequest { MaxTokens = 64 }, name: "warm-up");
            LlmResult result = await Llm.ChatAsync("What is a p99?", new LlmRequest { MaxTokens = 64, Extra = new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["ignore_eos"] = true } }, name: "chat short");
            Probe.Current.Settings["result"] = result;
        }
    }
}
