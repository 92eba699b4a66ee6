namespace Stampede.Llm;

/// <summary>
/// The latency metrics of one streaming completion, with the names and definitions of vLLM's benchmark
/// (<c>vllm bench serve</c>): TTFT, ITL, TPOT and end-to-end latency.
/// </summary>
public sealed record CompletionTiming
{
    /// <summary>Time to first token: from the request's start to its first content event.</summary>
    public required TimeSpan? TimeToFirstToken { get; init; }

    /// <summary>Inter-token latencies: every gap between consecutive content events.</summary>
    public required IReadOnlyList<TimeSpan> InterTokenLatencies { get; init; }

    /// <summary>Time per output token after the first: (e2e − TTFT) / (output tokens − 1); absent with fewer than 2 tokens.</summary>
    public required TimeSpan? TimePerOutputToken { get; init; }

    /// <summary>End-to-end latency: from the request's start to the end of the stream.</summary>
    public required TimeSpan EndToEnd { get; init; }

    /// <summary>The output tokens TPOT was computed with.</summary>
    public required int OutputTokens { get; init; }

    /// <summary>
    /// The metrics of <paramref name="stream"/>, started at timestamp <paramref name="start"/> (the intended start in
    /// the open model) and ended at <paramref name="end"/>, with <paramref name="outputTokens"/> output tokens (the
    /// server's <c>usage</c>, else the tokenizer's count of the text).
    /// </summary>
    public static CompletionTiming Of(CompletionStreamResult stream, long start, long end, int outputTokens, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        IReadOnlyList<long> events = stream.ContentTimestamps;
        TimeSpan e2e = time.GetElapsedTime(start, end);
        TimeSpan? ttft = events.Count == 0 ? null : time.GetElapsedTime(start, events[0]);
        var gaps = new TimeSpan[Math.Max(0, events.Count - 1)];
        for (int i = 1; i < events.Count; i++)
        {
            gaps[i - 1] = time.GetElapsedTime(events[i - 1], events[i]);
        }

        TimeSpan? tpot = ttft is { } first && outputTokens > 1 ? (e2e - first) / (outputTokens - 1) : null;
        return new CompletionTiming
        {
            TimeToFirstToken = ttft,
            InterTokenLatencies = gaps,
            TimePerOutputToken = tpot,
            EndToEnd = e2e,
            OutputTokens = outputTokens,
        };
    }
}
