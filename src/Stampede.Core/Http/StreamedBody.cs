namespace Stampede.Http;

/// <summary>What a streaming body reader (<see cref="HttpSession.SendStreamingAsync"/>) found in a response body.</summary>
/// <param name="Bytes">Body bytes read.</param>
/// <param name="FirstContent">The timestamp of the first content (an LLM's first token); <see langword="null"/> when none came.</param>
/// <param name="Error">The failure reason when the body was bad (an error event, a stream cut short); <see langword="null"/> when fine.</param>
/// <param name="TimedOut">The request's time ran out while the body streamed.</param>
internal readonly record struct StreamedBody(long Bytes, long? FirstContent, string? Error, bool TimedOut = false);
