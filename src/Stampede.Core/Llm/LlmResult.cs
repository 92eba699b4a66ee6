using Stampede.Http;

namespace Stampede.Llm;

/// <summary>Where an answer's output token count came from.</summary>
public enum TokenSource
{
    /// <summary>No count: the request failed before an answer, or a whole answer without <c>usage</c>.</summary>
    None,

    /// <summary>The server's <c>usage.completion_tokens</c>.</summary>
    Usage,

    /// <summary>The number of content events: one token each on vLLM, TGI and SGLang, an estimate elsewhere.</summary>
    ContentEvents,
}

/// <summary>The outcome of one request made through <see cref="LlmClient"/>.</summary>
public sealed class LlmResult
{
    internal LlmResult(HttpResult http, CompletionStreamResult? stream, CompletionTiming? timing, string text, int? inputTokens, int? outputTokens, TokenSource outputTokenSource)
    {
        Http = http;
        Stream = stream;
        Timing = timing;
        Text = text;
        InputTokens = inputTokens;
        OutputTokens = outputTokens;
        OutputTokenSource = outputTokenSource;
    }

    /// <summary>The HTTP request as recorded: status, failure reason, response time (the whole generation).</summary>
    public HttpResult Http { get; }

    /// <summary>The stream as read, for a streamed request that got a successful status; else <see langword="null"/>.</summary>
    public CompletionStreamResult? Stream { get; }

    /// <summary>TTFT, ITL, TPOT and e2e of a streamed answer; <see langword="null"/> for a whole one or a failed request.</summary>
    public CompletionTiming? Timing { get; }

    /// <summary>The answer's text (so far, when the stream broke off).</summary>
    public string Text { get; }

    /// <summary>Prompt tokens, from the server's <c>usage</c>.</summary>
    public int? InputTokens { get; }

    /// <summary>Output tokens (see <see cref="OutputTokenSource"/>).</summary>
    public int? OutputTokens { get; }

    /// <summary>Where <see cref="OutputTokens"/> came from.</summary>
    public TokenSource OutputTokenSource { get; }

    /// <summary>Whether the request succeeded: a 2xx answer and, when streamed, a stream that reached <c>[DONE]</c>.</summary>
    public bool Succeeded => Http.IsSuccess;
}
