namespace Stampede.Http;

/// <summary>What a streaming body reader (<see cref="HttpSession.SendStreamingAsync"/>) found in a response body.</summary>
/// <param name="Bytes">Body bytes read.</param>
/// <param name="FirstContent">The timestamp of the first content (an LLM's first token); <see langword="null"/> when none came.</param>
/// <param name="Error">The failure reason when the body was bad (an error event, a stream cut short); <see langword="null"/> when fine.</param>
/// <param name="TimedOut">The request's time ran out while the body streamed.</param>
/// <param name="Llm">For an LLM stream: what its statistics need (content event times, tokens); <see langword="null"/> otherwise.</param>
/// <param name="Ended">When the body's last byte was read, for a reader that does more work after it (counting tokens); else the reader's return.</param>
internal readonly record struct StreamedBody(long Bytes, long? FirstContent, string? Error, bool TimedOut = false, StreamedTokens? Llm = null, long? Ended = null);

/// <summary>An LLM stream's content event times and token counts, for its row's LLM statistics.</summary>
/// <param name="ContentTimestamps">Each content event's arrival.</param>
/// <param name="OutputTokens">Output tokens: the server's usage, else the tokenizer's count of the text.</param>
/// <param name="FromUsage">Whether <paramref name="OutputTokens"/> came from the server's usage.</param>
/// <param name="InputTokens">Prompt tokens: the server's usage, else the tokenizer's count of the prompt.</param>
internal sealed record StreamedTokens(IReadOnlyList<long> ContentTimestamps, int OutputTokens, bool FromUsage, int? InputTokens);
