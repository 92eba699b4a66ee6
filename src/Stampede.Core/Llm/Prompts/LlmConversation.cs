namespace Stampede.Llm;

/// <summary>A conversation from a dataset, cut at its last user turn: what is sent, its tokens, and the reference answer's length.</summary>
/// <param name="Messages">The turns up to and including the last user turn.</param>
/// <param name="InputTokens">The tokens of the messages' contents, for the dataset's tokenizer (a chat template adds a few).</param>
/// <param name="ReferenceOutputTokens">The tokens of the dataset's answer to that turn, or the record's own output length; null when it has neither.</param>
public sealed record LlmConversation(IReadOnlyList<ChatMessage> Messages, int InputTokens, int? ReferenceOutputTokens)
{
    /// <summary>A request for this conversation, asking for <see cref="ReferenceOutputTokens"/> when known (as vLLM's ShareGPT benchmark does).</summary>
    public LlmRequest ToRequest(LlmRequest? template = null, bool ignoreEos = false) =>
        PromptRequests.With(template, ReferenceOutputTokens, ignoreEos);
}
