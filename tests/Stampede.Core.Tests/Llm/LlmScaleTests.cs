using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Shouldly;
using Stampede.Llm;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Core.Tests.Infrastructure;
using Xunit;

namespace Stampede.Core.Tests.Llm;

/// <summary>
/// The LLM client at scale, against a loopback server in this process: a 10,000-token answer read whole, and 500
/// streams at once whose every token carries the server's send time, so the test sees how long each one waited
/// for the generator to read it. The costs per event are benchmarked in bench/Stampede.Benchmarks
/// (CompletionStreamBenchmarks); this checks the whole path keeps up.
/// </summary>
[Collection(nameof(TimingSensitive))]
public sealed class LlmScaleTests
{
    private const int ConcurrentStreams = 500;
    private const int TokensPerStream = 20;
    private const int TokenGapMs = 50;

    [Fact]
    public async Task ChatAsync_TenThousandTokenStream_EveryTokenTimedAndCounted()
    {
        const int tokens = 10_000;
        await using LoopbackServer server = await LoopbackServer.StartAsync(context => ServeLongAsync(context, tokens));
        Probe probe = Probe.Start();

        RunResult run = await RunAsync(server.Address, users: 1, typeof(LongAnswerUser));

        LlmResult result = (LlmResult)probe.Settings["result"];
        result.Succeeded.ShouldBeTrue(result.Http.Error);
        result.Stream!.ContentTimestamps.Count.ShouldBe(tokens);
        result.OutputTokens.ShouldBe(tokens);
        result.Text.Length.ShouldBe(tokens * 4); // " t00" … each token is four characters
        CompletionTiming timing = result.Timing.ShouldNotBeNull();
        timing.InterTokenLatencies.Count.ShouldBe(tokens - 1);
        timing.TimePerOutputToken!.Value.TotalMilliseconds.ShouldBe((timing.EndToEnd - timing.TimeToFirstToken!.Value).TotalMilliseconds / (tokens - 1), 1e-3);

        LlmStats llm = run.Stats.Rows.Single(r => r.Key.Name == "long").Llm.ShouldNotBeNull();
        llm.Requests.ShouldBe(1);
        llm.OutputTokensTotal.ShouldBe(tokens);
        llm.ItlMs.Count.ShouldBe(tokens - 1);
    }

    [Fact]
    public async Task ChatAsync_FiveHundredStreamsAtOnce_EveryTokenReadWithinMillisecondsOfItsSending()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(ServeTimestampedAsync);
        Probe probe = Probe.Start();
        var results = new ConcurrentQueue<LlmResult>();
        probe.Settings["results"] = results;

        RunResult run = await RunAsync(server.Address, ConcurrentStreams, typeof(TimestampedUser));

        results.Count.ShouldBe(ConcurrentStreams);
        results.ShouldAllBe(r => r.Succeeded && r.Stream!.ContentTimestamps.Count == TokensPerStream);
        LlmStats llm = run.Stats.Rows.Single(r => r.Key.Name == "stamped").Llm.ShouldNotBeNull();
        llm.Requests.ShouldBe(ConcurrentStreams);
        llm.ItlMs.Count.ShouldBe(ConcurrentStreams * (TokensPerStream - 1));

        // How long each token waited between the server's write and the generator's timestamp of its event.
        var waits = new List<double>(ConcurrentStreams * TokensPerStream);
        foreach (LlmResult result in results)
        {
            string[] sent = result.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            sent.Length.ShouldBe(TokensPerStream);
            for (int i = 0; i < sent.Length; i++)
            {
                long at = long.Parse(sent[i], CultureInfo.InvariantCulture);
                waits.Add(Stopwatch.GetElapsedTime(at, result.Stream!.ContentTimestamps[i]).TotalMilliseconds);
            }
        }

        waits.Sort();
        double p50 = waits[waits.Count / 2];
        double p99 = waits[(int)(waits.Count * 0.99)];
        string summary = $"waits over {waits.Count} tokens: p50 {p50:0.00} ms, p99 {p99:0.00} ms, max {waits[^1]:0.00} ms";
        waits[0].ShouldBeGreaterThanOrEqualTo(0, summary);

        // 10,000 tokens a second through one process that is also their server, on two cores, and in bursts: the
        // 500 streams' timers fire together, so 500 events arrive at once. A token waits a few milliseconds at the
        // median (measured 1.7-2.5 ms), and even at the 99th percentile (13-25 ms) is read before the next one of its
        // stream is sent: no backlog builds up.
        p50.ShouldBeLessThan(10, summary);
        p99.ShouldBeLessThan(TokenGapMs, summary);
        double itlP50 = llm.ItlMs.Get(50);
        itlP50.ShouldBeInRange(TokenGapMs - 2, TokenGapMs + 10, summary);
    }

    private static async Task<RunResult> RunAsync(string host, int users, Type userType)
    {
        var options = new LoadTestOptions { Host = host, Users = users, SpawnRate = users, RequestTimeout = TimeSpan.FromSeconds(30) };
        using var test = new LoadTest(options, [userType]);
        RunResult run = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));
        run.StopReason.ShouldBe(StopReason.AllUsersStopped);
        return run;
    }

    /// <summary>A role delta, <paramref name="tokens"/> content events written in batches of 100, usage and [DONE].</summary>
    private static async Task<bool> ServeLongAsync(HttpContext context, int tokens)
    {
        if (context.Request.Path != "/v1/chat/completions")
        {
            return false;
        }

        context.Response.StatusCode = (int)HttpStatusCode.OK;
        context.Response.ContentType = "text/event-stream";
        var batch = new StringBuilder();
        batch.Append("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n");
        for (int i = 0; i < tokens; i++)
        {
            batch.Append(CultureInfo.InvariantCulture, $"data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\" t{i % 100:00}\"}}}}]}}\n\n");
            if (batch.Length > 8_000)
            {
                await context.Response.WriteAsync(batch.ToString());
                await context.Response.Body.FlushAsync();
                batch.Clear();
            }
        }

        batch.Append(CultureInfo.InvariantCulture, $"data: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":3,\"completion_tokens\":{tokens}}}}}\n\ndata: [DONE]\n\n");
        await context.Response.WriteAsync(batch.ToString());
        return true;
    }

    /// <summary>Tokens every 50 ms, each the server's <see cref="Stopwatch"/> timestamp when it was written.</summary>
    private static async Task<bool> ServeTimestampedAsync(HttpContext context)
    {
        if (context.Request.Path != "/v1/chat/completions")
        {
            return false;
        }

        context.Response.StatusCode = (int)HttpStatusCode.OK;
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n");
        await context.Response.Body.FlushAsync();
        for (int i = 0; i < TokensPerStream; i++)
        {
            await Task.Delay(TokenGapMs);
            await context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\" {Stopwatch.GetTimestamp()}\"}}}}]}}\n\n"));
            await context.Response.Body.FlushAsync();
        }

        await context.Response.WriteAsync($"data: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":1,\"completion_tokens\":{TokensPerStream}}}}}\n\ndata: [DONE]\n\n");
        return true;
    }

    internal sealed class LongAnswerUser : HttpUser
    {
        [Task]
        public async Task Ask()
        {
            LlmResult result = await Llm.ChatAsync("Write at length.", new LlmRequest { MaxTokens = 10_000 }, name: "long");
            Probe.Current.Settings["result"] = result;
            throw new StopUserException();
        }
    }

    internal sealed class TimestampedUser : HttpUser
    {
        [Task]
        public async Task Ask()
        {
            LlmResult result = await Llm.ChatAsync("Count.", new LlmRequest { MaxTokens = TokensPerStream }, name: "stamped");
            ((ConcurrentQueue<LlmResult>)Probe.Current.Settings["results"]).Enqueue(result);
            throw new StopUserException();
        }
    }
}
