namespace Stampede.Tool.Commands;

/// <summary>What <c>stampede llm</c> was asked for: its own flags, and the scenario flags it passes on.</summary>
internal sealed record LlmSettings
{
    /// <summary>The server, e.g. <c>http://127.0.0.1:8000</c>; a trailing <c>/v1</c> is allowed (OpenAI's base URL form).</summary>
    public required string BaseUrl { get; init; }

    /// <summary>The model to ask for; null to read <c>GET /v1/models</c> (or send none when that fails).</summary>
    public string? Model { get; init; }

    /// <summary><c>chat</c>, <c>completions</c> or a path such as <c>/v1/completions</c>.</summary>
    public string Endpoint { get; init; } = "chat";

    /// <summary>The prompt length distribution (a <see cref="Stampede.Llm.TokenLength"/> spec); null for <see cref="LlmCommand.DefaultPromptTokens"/>.</summary>
    public string? PromptTokens { get; init; }

    /// <summary>The output length distribution, sent as <c>max_tokens</c>; null for <see cref="LlmCommand.DefaultOutputTokens"/>, or with a dataset for the lengths of its reference answers.</summary>
    public string? OutputTokens { get; init; }

    /// <summary>A JSONL or JSON file of conversations (ShareGPT, OpenAI messages or plain prompts) instead of generated prompts.</summary>
    public string? Dataset { get; init; }

    /// <summary>The tokenizer that sizes generated prompts and counts tokens the server does not report.</summary>
    public string Tokenizer { get; init; } = "cl100k_base";

    /// <summary>Send <c>ignore_eos: true</c> so that the server generates exactly <c>max_tokens</c> (vLLM, SGLang).</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>Run with the web dashboard instead of headless.</summary>
    public bool Web { get; init; }

    /// <summary>Every other flag, for the scenario's own parser (<c>--users</c>, <c>--rate</c>, <c>--slo</c>, <c>--json</c> …).</summary>
    public IReadOnlyList<string> ScenarioArguments { get; init; } = [];
}
