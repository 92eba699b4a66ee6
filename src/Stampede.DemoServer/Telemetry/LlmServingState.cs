namespace Stampede.Demo.Telemetry;

/// <summary>The LLM simulator's state, read at each scrape for the vLLM-named series.</summary>
/// <param name="ModelName">The <c>model_name</c> label.</param>
/// <param name="Running">Sequences holding a batch slot (prefilling or decoding).</param>
/// <param name="Waiting">Requests queued for a slot.</param>
/// <param name="CacheUsage">Simulated KV cache in use, 0 to 1.</param>
/// <param name="PromptTokens">Prompt tokens prefilled so far.</param>
/// <param name="GenerationTokens">Output tokens generated so far.</param>
internal readonly record struct LlmServingState(string ModelName, int Running, int Waiting, double CacheUsage, long PromptTokens, long GenerationTokens);
