using System.Text.Json.Nodes;

namespace Stampede.Llm;

/// <summary>A generated prompt: its text, its length in tokens (exact, for the generator's tokenizer) and the answer length to ask for.</summary>
/// <param name="Text">The prompt.</param>
/// <param name="InputTokens">Its tokens.</param>
/// <param name="MaxTokens">The <c>max_tokens</c> to send.</param>
public sealed record LlmPrompt(string Text, int InputTokens, int MaxTokens)
{
    /// <summary>
    /// A request for this prompt: <paramref name="template"/> (or the defaults: streamed) with <c>max_tokens</c> set; with
    /// <paramref name="ignoreEos"/>, <c>ignore_eos: true</c> too, so that servers that honour it (vLLM, SGLang) generate
    /// exactly <see cref="MaxTokens"/> tokens. Others ignore the field or refuse it (docs/llm.md lists which).
    /// </summary>
    public LlmRequest ToRequest(LlmRequest? template = null, bool ignoreEos = false) =>
        PromptRequests.With(template, MaxTokens, ignoreEos);
}

/// <summary>How a prompt or a conversation becomes a request.</summary>
internal static class PromptRequests
{
    /// <summary>The template with <c>max_tokens</c> and, when asked, <c>ignore_eos</c> among its extra fields.</summary>
    public static LlmRequest With(LlmRequest? template, int? maxTokens, bool ignoreEos)
    {
        LlmRequest request = (template ?? LlmRequest.Default) with { MaxTokens = maxTokens ?? template?.MaxTokens };
        if (!ignoreEos)
        {
            return request;
        }

        var extra = new Dictionary<string, JsonNode?>(request.Extra, StringComparer.Ordinal) { ["ignore_eos"] = true };
        return request with { Extra = extra };
    }
}
