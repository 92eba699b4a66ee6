#:project ../src/Stampede/Stampede.csproj
#:property PublishAot=false
#:property ServerGarbageCollection=true
#:property GarbageCollectionAdaptationMode=0
// A chat model behind an OpenAI-compatible API (vLLM, TGI, SGLang, Ollama, llama.cpp...): seven short questions for
// every three long summaries, streamed and timed token by token, with 1–3 s of think time.
//   stampede serve-demo --llm --port 8080        (the demo's LLM simulator; or your own server and LLM_MODEL=…)
//   dotnet run examples/llm-chat.cs -- --host http://127.0.0.1:8080 --users 8 --spawn-rate 2 --run-time 1m --headless \
//     --slo "ttft_p95<1s" --goodput "ttft<500ms,tpot<50ms" --json out/llm.json --html out/llm.html
using Stampede;
using Stampede.Llm;

return await StampedeApp.RunAsync(args, typeof(ChatUser));

/// <summary>Short questions (64 tokens out) and long summaries (a ~600-token document in, 256 out).</summary>
public sealed class ChatUser : HttpUser
{
    private static readonly string[] Questions =
    [
        "In one sentence: what is a p99 latency?",
        "What does time to first token measure?",
        "Why does batching raise a model server's throughput?",
        "What is coordinated omission in load testing?",
    ];

    private static readonly string Document = string.Join(' ', Enumerable.Repeat(
        "A load test measures how a service behaves when many clients use it at once: its throughput, the spread of its latencies and the errors it returns as the load grows.", 16));

    public override WaitTime WaitTime => WaitTime.Between(1.0, 3.0);

    [Task(7)]
    public Task Question() => Llm.ChatAsync(Questions[Random.Next(Questions.Length)], new LlmRequest { MaxTokens = 64 }, name: "chat short");

    [Task(3)]
    public Task Summary() => Llm.ChatAsync(
        [new ChatMessage("system", "You summarise documents in three bullet points."), new ChatMessage("user", Document)],
        new LlmRequest { MaxTokens = 256 },
        name: "summary");
}
