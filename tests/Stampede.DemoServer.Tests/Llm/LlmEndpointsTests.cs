using System.Net;
using System.Text;
using System.Text.Json;
using Stampede.Demo.Llm;
using Stampede.Demo.Tests.Infrastructure;

namespace Stampede.Demo.Tests.Llm;

/// <summary>The shape of the simulator's OpenAI-compatible answers, on a server with short delays.</summary>
public sealed class LlmEndpointsTests : IAsyncLifetime
{
    private DemoServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DemoServer.StartAsync(new DemoServerOptions
        {
            Workers = 1,
            Llm = new LlmSimulatorOptions { Ttft = TimeSpan.FromMilliseconds(10), Itl = TimeSpan.FromMilliseconds(2) },
        });
        _client = new HttpClient { BaseAddress = new Uri(_server.Address), Timeout = TimeSpan.FromSeconds(30) };
        await _server.Ready.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ChatCompletions_Streamed_SendsRoleDeltaMaxTokensContentEventsFinishUsageAndDone()
    {
        var stream = await LlmStream.PostAsync(_client, LlmEndpoints.ChatRoute, LlmStream.ChatBody(maxTokens: 5, stream: true, words: 10, model: "my-model"));
        var chunks = stream.Chunks;

        stream.ContentType.ShouldBe("text/event-stream");
        stream.Data[^1].ShouldBe("[DONE]");
        chunks.Count.ShouldBe(1 + 5 + 1 + 1); // role, tokens, finish, usage
        chunks[0].GetProperty("object").GetString().ShouldBe("chat.completion.chunk");
        chunks[0].GetProperty("model").GetString().ShouldBe("my-model");
        var roleDelta = chunks[0].GetProperty("choices")[0].GetProperty("delta");
        roleDelta.GetProperty("role").GetString().ShouldBe("assistant");
        roleDelta.TryGetProperty("content", out _).ShouldBeFalse();
        stream.TokenArrivals.Count.ShouldBe(5);
        chunks.Skip(1).Take(5).ShouldAllBe(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()!.Length > 0);
        chunks.Select(c => c.GetProperty("id").GetString()).Distinct().Count().ShouldBe(1);
        var finish = chunks[6].GetProperty("choices")[0];
        finish.GetProperty("finish_reason").GetString().ShouldBe("length");
        finish.GetProperty("delta").TryGetProperty("content", out _).ShouldBeFalse();
        chunks[7].GetProperty("choices").GetArrayLength().ShouldBe(0);
        Usage(chunks[7]).ShouldBe((13, 5, 18)); // 10 words × 1.3
    }

    [Fact]
    public async Task ChatCompletions_StreamedWithoutIncludeUsage_EndsWithFinishThenDone()
    {
        var stream = await LlmStream.PostAsync(_client, LlmEndpoints.ChatRoute, LlmStream.ChatBody(maxTokens: 3, stream: true, includeUsage: false));

        stream.Chunks.Count.ShouldBe(1 + 3 + 1);
        stream.Chunks.Count(c => c.TryGetProperty("usage", out _)).ShouldBe(0);
        stream.Data[^1].ShouldBe("[DONE]");
    }

    [Fact]
    public async Task ChatCompletions_NotStreamed_IsOneChatCompletionWithUsageAndDefaultModel()
    {
        var (response, json) = await Requests.PostAsync(_client, LlmEndpoints.ChatRoute, Json(LlmStream.ChatBody(maxTokens: 4, stream: false, words: 3)));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        json.GetProperty("object").GetString().ShouldBe("chat.completion");
        json.GetProperty("id").GetString()!.ShouldStartWith("chatcmpl-");
        json.GetProperty("model").GetString().ShouldBe("stampede-sim");
        var choice = json.GetProperty("choices")[0];
        choice.GetProperty("message").GetProperty("role").GetString().ShouldBe("assistant");
        choice.GetProperty("message").GetProperty("content").GetString().ShouldBe("This is a simulated");
        choice.GetProperty("finish_reason").GetString().ShouldBe("length");
        Usage(json).ShouldBe((4, 4, 8)); // ceil(3 × 1.3) = 4
    }

    [Fact]
    public async Task Models_Get_ListsTheSimulatorsOneModelAsOpenAiDoes()
    {
        using var response = await _client.GetAsync(LlmEndpoints.ModelsRoute);
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        document.RootElement.GetProperty("object").GetString().ShouldBe("list");
        var model = document.RootElement.GetProperty("data").EnumerateArray().ShouldHaveSingleItem();
        model.GetProperty("id").GetString().ShouldBe("stampede-sim");
        model.GetProperty("object").GetString().ShouldBe("model");
    }

    [Fact]
    public async Task Completions_StreamedAndNot_AnswerTextCompletionsWithPromptCounted()
    {
        var body = """{"model":"m","prompt":"one two three four five six seven eight nine ten","max_tokens":3,"stream":true,"stream_options":{"include_usage":true}}""";

        var stream = await LlmStream.PostAsync(_client, LlmEndpoints.CompletionsRoute, body);
        var (response, json) = await Requests.PostAsync(_client, LlmEndpoints.CompletionsRoute, Json(body.Replace("\"stream\":true", "\"stream\":false", StringComparison.Ordinal)));

        stream.Chunks.Count.ShouldBe(3 + 1 + 1); // tokens, finish, usage: no role event
        stream.TokenArrivals.Count.ShouldBe(3);
        stream.Chunks.ShouldAllBe(c => c.GetProperty("object").GetString() == "text_completion");
        stream.Chunks[0].GetProperty("choices")[0].GetProperty("text").GetString().ShouldBe("This");
        stream.Chunks[3].GetProperty("choices")[0].GetProperty("finish_reason").GetString().ShouldBe("length");
        Usage(stream.Chunks[4]).ShouldBe((13, 3, 16));
        stream.Data[^1].ShouldBe("[DONE]");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        json.GetProperty("object").GetString().ShouldBe("text_completion");
        json.GetProperty("choices")[0].GetProperty("text").GetString().ShouldBe("This is a");
        Usage(json).ShouldBe((13, 3, 16));
    }

    [Theory]
    [InlineData(LlmEndpoints.ChatRoute, "")]
    [InlineData(LlmEndpoints.ChatRoute, "not json")]
    [InlineData(LlmEndpoints.ChatRoute, "[1,2]")]
    [InlineData(LlmEndpoints.ChatRoute, """{"model":"m"}""")]
    [InlineData(LlmEndpoints.ChatRoute, """{"messages":[]}""")]
    [InlineData(LlmEndpoints.ChatRoute, """{"messages":[{"content":"hi"}]}""")]
    [InlineData(LlmEndpoints.ChatRoute, """{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}""")]
    [InlineData(LlmEndpoints.ChatRoute, """{"messages":[{"role":"user","content":"hi"}],"stream":"yes"}""")]
    [InlineData(LlmEndpoints.CompletionsRoute, """{"messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData(LlmEndpoints.CompletionsRoute, """{"prompt":[1,2,3]}""")]
    public async Task Routes_InvalidBody_Answer400WithOpenAiError(string route, string body)
    {
        var (response, json) = await Requests.PostAsync(_client, route, Json(body));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = json.GetProperty("error");
        error.GetProperty("type").GetString().ShouldBe("invalid_request_error");
        error.GetProperty("message").GetString()!.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Metrics_AfterRequests_CountsPromptAndGenerationTokensAsVllmDoes()
    {
        var before = await Requests.ScrapeAsync(_client);

        await LlmStream.PostAsync(_client, LlmEndpoints.ChatRoute, LlmStream.ChatBody(maxTokens: 6, stream: true, words: 10));
        await Requests.PostAsync(_client, LlmEndpoints.ChatRoute, Json(LlmStream.ChatBody(maxTokens: 2, stream: false, words: 3)));
        var after = await Requests.ScrapeAsync(_client);

        var model = ("model_name", "stampede-sim");
        (after.Value("vllm:prompt_tokens_total", model) - before.Value("vllm:prompt_tokens_total", model)).ShouldBe(13 + 4);
        (after.Value("vllm:generation_tokens_total", model) - before.Value("vllm:generation_tokens_total", model)).ShouldBe(6 + 2);
        after.Value("vllm:num_requests_running", model).ShouldBe(0);
        after.Value("vllm:num_requests_waiting", model).ShouldBe(0);
        after.Value("vllm:gpu_cache_usage_perc", model).ShouldBe(0);
        after.Value("stampede_demo_requests_total", ("endpoint", LlmEndpoints.ChatRoute), ("status", "200")).ShouldBeGreaterThanOrEqualTo(2);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static (int Prompt, int Completion, int Total) Usage(JsonElement json)
    {
        var usage = json.GetProperty("usage");
        return (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
    }
}
