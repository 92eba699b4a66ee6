namespace Stampede.Metrics;

/// <summary>
/// One streamed LLM completion that reached its end, as the aggregator folds it into the LLM statistics of its row:
/// timestamps of the clock the run uses (<see cref="TimeProvider.GetTimestamp"/>). Recorded beside the request's
/// <see cref="RequestSample"/>, which carries its status and failure.
/// </summary>
internal sealed class LlmSample
{
    public required int RowId { get; init; }

    /// <summary>When the request was meant to start (the open model's schedule); the send in a closed-model run.</summary>
    public required long IntendedStart { get; init; }

    /// <summary>The end of the stream.</summary>
    public required long End { get; init; }

    /// <summary>Each content event's arrival, in order; at least one.</summary>
    public required IReadOnlyList<long> ContentTimestamps { get; init; }

    /// <summary>Output tokens: the server's usage, else the tokenizer's count of the text.</summary>
    public required int OutputTokens { get; init; }

    /// <summary>Whether <see cref="OutputTokens"/> came from the server's usage.</summary>
    public required bool TokensFromUsage { get; init; }

    /// <summary>Prompt tokens, when the server reported usage.</summary>
    public int? InputTokens { get; init; }
}
