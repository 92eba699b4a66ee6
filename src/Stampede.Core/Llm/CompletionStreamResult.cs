namespace Stampede.Llm;

/// <summary>How a streaming completion ended.</summary>
public enum CompletionStreamEnd
{
    /// <summary><c>data: [DONE]</c> arrived: the stream is complete.</summary>
    Done,

    /// <summary>The server sent an error object mid-stream.</summary>
    Error,

    /// <summary>The connection closed or failed before <c>[DONE]</c>.</summary>
    CutShort,

    /// <summary>An event was not JSON.</summary>
    Malformed,

    /// <summary>The read was cancelled (the request timed out) before <c>[DONE]</c>.</summary>
    Cancelled,
}

/// <summary>One streaming completion as read by <see cref="CompletionStream"/>: its content events' times, text and token counts.</summary>
public sealed record CompletionStreamResult
{
    /// <summary>How the stream ended; anything but <see cref="CompletionStreamEnd.Done"/> is a failed request.</summary>
    public required CompletionStreamEnd End { get; init; }

    /// <summary>What went wrong, for a stream that did not end with <c>[DONE]</c>.</summary>
    public string? Error { get; init; }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> of each content event, in order of arrival.</summary>
    public required IReadOnlyList<long> ContentTimestamps { get; init; }

    /// <summary>The answer's text: every content event's text, joined.</summary>
    public required string Text { get; init; }

    /// <summary>The first choice's <c>finish_reason</c> (<c>stop</c>, <c>length</c>, …), when sent.</summary>
    public string? FinishReason { get; init; }

    /// <summary><c>usage.prompt_tokens</c>, when the server sent usage (ask for it with <c>stream_options.include_usage</c>).</summary>
    public int? PromptTokens { get; init; }

    /// <summary><c>usage.completion_tokens</c>, when the server sent usage.</summary>
    public int? CompletionTokens { get; init; }

    /// <summary>Events read, <c>[DONE]</c> included.</summary>
    public int Events { get; init; }

    /// <summary>Whether the stream completed.</summary>
    public bool Succeeded => End == CompletionStreamEnd.Done;
}
