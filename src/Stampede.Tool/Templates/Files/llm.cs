// A Stampede load test of a chat model behind an OpenAI-compatible API (vLLM, TGI, llama.cpp's server,
// Ollama, LiteLLM...): POST /v1/chat/completions with a few prompts of different lengths.
//
// Point --host at your own server and set LLM_MODEL to the model name it serves:
//   LLM_MODEL=my-model stampede run {{FILE}} --host http://127.0.0.1:8000 --users 4 --spawn-rate 1 --run-time 1m --headless
// or try it against the demo API's LLM simulator (a model of an LLM server's timing, not a language model):
//   stampede serve-demo --llm --port 8080
//   stampede run {{FILE}} --host http://127.0.0.1:8080 --users 4 --spawn-rate 2 --run-time 30s --headless
// Add --slo "p95<5s" for a pass/fail verdict; `stampede run {{FILE}} --help` lists every flag.
//
// Each answer is streamed ("stream": true) and read token by token as it arrives: the row's "time to first
// byte" is the time to the first token (TTFT) and its response time the whole generation. Llm.ChatAsync returns
// the text, the token counts the server reports, and each request's TTFT, inter-token gaps and time per output
// token (result.Timing). A stream that breaks off, or carries an error event, is a failed request.
//
// To run it with `dotnet run {{FILE}} -- --host …` instead, without the stampede tool, reference the library:
// uncomment the #:package line below once the Stampede package is on a NuGet feed you use (a local folder
// feed works: `dotnet nuget add source /path/to/packages`). `stampede run` ignores that line and uses its own.
// #:package Stampede@{{VERSION}}
#:property PublishAot=false
// Server GC: with thousands of users the default GC pauses the generator every second (see docs/gc.md).
#:property ServerGarbageCollection=true
#:property GarbageCollectionAdaptationMode=0
using Stampede;
using Stampede.Llm;

return await StampedeApp.RunAsync(args, typeof(ChatUser));

/// <summary>A chat client: a short question most of the time, a long summary request now and then.</summary>
public sealed class ChatUser : HttpUser
{
    private static readonly string LongText = string.Join(' ', Enumerable.Repeat(
        "Load tests measure how a service behaves when many clients use it at once: throughput, latency percentiles, errors.", 20));

    public override WaitTime WaitTime => WaitTime.Between(1.0, 3.0);

    // The model is LLM_MODEL from the environment unless set here; the API key OPENAI_API_KEY, sent as a bearer token.
    public override Task OnStartAsync()
    {
        Llm.Model ??= "default";
        return Task.CompletedTask;
    }

    [Task(3)]
    public Task ShortQuestion() => Llm.ChatAsync("In one sentence: what is a p99 latency?", new LlmRequest { MaxTokens = 64 }, name: "chat short");

    [Task(1)]
    public Task LongSummary() => Llm.ChatAsync("Summarise in three bullet points:\n" + LongText, new LlmRequest { MaxTokens = 256 }, name: "chat long");
}
