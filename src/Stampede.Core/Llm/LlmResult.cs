using Stampede.Http;

namespace Stampede.Llm;

/// <summary>Where a token count came from.</summary>
public enum TokenSource
{
    /// <summary>No count: the request failed before an answer.</summary>
    None,

    /// <summary>The server's <c>usage</c> (<c>prompt_tokens</c>, <c>completion_tokens</c>).</summary>
    Usage,

    /// <summary>
    /// <see cref="LlmClient.Tokenizer"/>, counting the text because the server sent no usage: exact for a model of that
    /// encoding, an estimate for others.
    /// </summary>
    Tokenizer,
}

/// <summary>One answer's token counts and where each came from.</summary>
internal readonly record struct TokenCounts(int Input, TokenSource InputSource, int Output, TokenSource OutputSource);

/// <summary>The outcome of one request made through <see cref="LlmClient"/>.</summary>
public sealed class LlmResult
{
    internal LlmResult(HttpResult http, CompletionStreamResult? stream, CompletionTiming? timing, string text, TokenCounts counts)
    {
        Http = http;
        Stream = stream;
        Timing = timing;
        Text = text;
        InputTokenSource = counts.InputSource;
        OutputTokenSource = counts.OutputSource;
        InputTokens = counts.InputSource == TokenSource.None ? null : counts.Input;
        OutputTokens = counts.OutputSource == TokenSource.None ? null : counts.Output;
    }

    /// <summary>The HTTP request as recorded: status, failure reason, response time (the whole generation).</summary>
    public HttpResult Http { get; }

    /// <summary>The stream as read, for a streamed request that got a successful status; else <see langword="null"/>.</summary>
    public CompletionStreamResult? Stream { get; }

    /// <summary>TTFT, ITL, TPOT and e2e of a streamed answer; <see langword="null"/> for a whole one or a failed request.</summary>
    public CompletionTiming? Timing { get; }

    /// <summary>The answer's text (so far, when the stream broke off).</summary>
    public string Text { get; }

    /// <summary>Prompt tokens (see <see cref="InputTokenSource"/>); <see langword="null"/> when the request failed before an answer.</summary>
    public int? InputTokens { get; }

    /// <summary>Where <see cref="InputTokens"/> came from.</summary>
    public TokenSource InputTokenSource { get; }

    /// <summary>Output tokens (see <see cref="OutputTokenSource"/>); <see langword="null"/> when the request failed before an answer.</summary>
    public int? OutputTokens { get; }

    /// <summary>Where <see cref="OutputTokens"/> came from.</summary>
    public TokenSource OutputTokenSource { get; }

    /// <summary>Whether the request succeeded: a 2xx answer and, when streamed, a stream that reached <c>[DONE]</c>.</summary>
    public bool Succeeded => Http.IsSuccess;
}
