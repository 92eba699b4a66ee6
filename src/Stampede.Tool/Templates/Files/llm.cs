// A Stampede load test of a chat model behind an OpenAI-compatible API (vLLM, TGI, llama.cpp's server,
// Ollama, LiteLLM...): POST /v1/chat/completions with a few prompts of different lengths.
//
// The bundled demo API (stampede serve-demo) serves an image model, not a language model: point --host at
// your own server, and set LLM_MODEL to the model name it serves:
//   LLM_MODEL=my-model stampede run {{FILE}} --host http://127.0.0.1:8000 --users 4 --spawn-rate 1 --run-time 1m --headless
// Add --slo "p95<5s" for a pass/fail verdict; `stampede run {{FILE}} --help` lists every flag.
//
// The answer is asked for whole ("stream": false), so the response time is the full generation; the
// completion and prompt token counts the server reports are in each answer's "usage".
//
// To run it with `dotnet run {{FILE}} -- --host …` instead, without the stampede tool, reference the library:
// uncomment the #:package line below once the Stampede package is on a NuGet feed you use (a local folder
// feed works: `dotnet nuget add source /path/to/packages`). `stampede run` ignores that line and uses its own.
// #:package Stampede@{{VERSION}}
#:property PublishAot=false
using System.Net.Http.Json;
using Stampede;
using Stampede.Http;

return await StampedeApp.RunAsync(args, typeof(ChatUser));

/// <summary>A chat client: a short question most of the time, a long summary request now and then.</summary>
public sealed class ChatUser : HttpUser
{
    private static readonly string Model = Environment.GetEnvironmentVariable("LLM_MODEL") ?? "default";

    private static readonly string LongText = string.Join(' ', Enumerable.Repeat(
        "Load tests measure how a service behaves when many clients use it at once: throughput, latency percentiles, errors.", 20));

    public override WaitTime WaitTime => WaitTime.Between(1.0, 3.0);

    // An API key, if your server wants one: OPENAI_API_KEY=... in the environment.
    public override Task OnStartAsync()
    {
        if (Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } key)
        {
            Client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }

        return Task.CompletedTask;
    }

    [Task(3)]
    public Task ShortQuestion() => ChatAsync("chat short", "In one sentence: what is a p99 latency?", maxTokens: 64);

    [Task(1)]
    public Task LongSummary() => ChatAsync("chat long", "Summarise in three bullet points:\n" + LongText, maxTokens: 256);

    private Task<HttpResult> ChatAsync(string name, string prompt, int maxTokens) =>
        Client.PostAsync("/v1/chat/completions", JsonContent.Create(new
        {
            model = Model,
            messages = new[] { new { role = "user", content = prompt } },
            max_tokens = maxTokens,
            stream = false,
        }), name: name, check: HasAnswer);

    // A 200 without any generated text is a broken answer, not a success.
    private static void HasAnswer(HttpResult result)
    {
        if (result.IsSuccess && result.Json<ChatResponse>()?.Choices is not [{ Message.Content.Length: > 0 }, ..])
        {
            result.Failure("the answer has no message content");
        }
    }

    private sealed record ChatResponse(Choice[]? Choices);

    private sealed record Choice(ChatMessage? Message);

    private sealed record ChatMessage(string? Role, string? Content);
}
