using System.Text.Json.Nodes;

namespace Stampede.Llm;

/// <summary>One message of a chat: <c>system</c>, <c>user</c> or <c>assistant</c>, and its text.</summary>
/// <param name="Role">Who says it.</param>
/// <param name="Content">What is said.</param>
public sealed record ChatMessage(string Role, string Content);

/// <summary>The generation settings of one request to an LLM API.</summary>
public sealed record LlmRequest
{
    /// <summary>A streamed request with the server's defaults.</summary>
    public static LlmRequest Default { get; } = new();

    /// <summary>Stream the answer as server-sent events (<c>"stream": true</c>), which TTFT and ITL need.</summary>
    /// <value><see langword="true"/>.</value>
    public bool Stream { get; init; } = true;

    /// <summary>The model; <see langword="null"/> for <see cref="LlmClient.Model"/>.</summary>
    public string? Model { get; init; }

    /// <summary><c>max_tokens</c>: the most tokens to generate; <see langword="null"/> to leave it to the server.</summary>
    public int? MaxTokens { get; init; }

    /// <summary><c>temperature</c>; <see langword="null"/> to leave it to the server.</summary>
    public double? Temperature { get; init; }

    /// <summary>More body fields, passed through as they are: <c>new Dictionary&lt;string, JsonNode?&gt; { ["top_p"] = 0.9, ["ignore_eos"] = true }</c>.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Extra { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Overrides the run's request timeout for this request (a whole generation can be long).</summary>
    public TimeSpan? Timeout { get; init; }
}
