namespace Stampede.Demo.Llm;

/// <summary>A parsed OpenAI-compatible completion request, reduced to what the timing model needs.</summary>
/// <param name="Kind">The route it came to.</param>
/// <param name="Model">The requested model, or the simulator's default name.</param>
/// <param name="PromptTokens">Prompt tokens by <see cref="PromptTokenCounter"/>.</param>
/// <param name="MaxTokens">Output tokens to generate: <c>max_tokens</c>, capped at <see cref="LlmSimulatorOptions.MaxTokensCap"/>.</param>
/// <param name="Stream">Whether to answer with server-sent events.</param>
/// <param name="IncludeUsage">Whether a streamed answer ends with a usage chunk (<c>stream_options.include_usage</c>).</param>
internal sealed record LlmRequest(LlmRequestKind Kind, string Model, int PromptTokens, int MaxTokens, bool Stream, bool IncludeUsage);
