namespace Stampede.Metrics;

/// <summary>
/// The LLM statistics of one row over the whole run or one interval: streamed completions that reached their end,
/// with the metrics of vLLM's benchmark (docs/llm.md). Times are ms from HdrHistograms (3 significant digits).
/// </summary>
public sealed record LlmStats
{
    /// <summary>Completed streams measured.</summary>
    public long Requests { get; init; }

    /// <summary>Time to first token: from the request's intended start to its first content event, ms.</summary>
    public required LlmDistribution TtftMs { get; init; }

    /// <summary>Inter-token latency: every gap between content events, pooled across requests, ms.</summary>
    public required LlmDistribution ItlMs { get; init; }

    /// <summary>Time per output token after the first, (e2e − TTFT) / (output tokens − 1), per request with 2 or more tokens, ms.</summary>
    public required LlmDistribution TpotMs { get; init; }

    /// <summary>End-to-end latency: from the request's intended start to the end of its stream, ms.</summary>
    public required LlmDistribution E2eMs { get; init; }

    /// <summary>Output tokens per request (values are tokens, not ms).</summary>
    public required LlmDistribution OutputTokens { get; init; }

    /// <summary>Output tokens over all requests.</summary>
    public long OutputTokensTotal { get; init; }

    /// <summary>Prompt tokens over the requests whose server reported them.</summary>
    public long InputTokensTotal { get; init; }

    /// <summary>Mean prompt tokens per request (the server's usage, else the client's tokenizer); <see langword="null"/> when none was counted.</summary>
    public double? InputTokensMean { get; init; }

    /// <summary>The requests whose prompt tokens were counted, for merging spans.</summary>
    internal long InputTokensCounted { get; init; }

    /// <summary>Output tokens per second of the span: the row's token throughput.</summary>
    public double OutputTokensPerSecond { get; init; }

    /// <summary>Completed streams per second of the span.</summary>
    public double RequestsPerSecond { get; init; }

    /// <summary>Where the output token counts came from: <c>usage</c> (the server's), <c>tokenizer</c> (the client's tokenizer counted the text: the server sent no usage), or <c>mixed</c>.</summary>
    public string TokenSource { get; init; } = "usage";

    /// <summary>The streams that met every <c>--goodput</c> bound; <see langword="null"/> without <c>--goodput</c>.</summary>
    public GoodputStats? Goodput { get; init; }
}

/// <summary>Goodput (DistServe's definition, as vLLM's benchmark measures it): completed streams that met every per-request bound.</summary>
public sealed record GoodputStats
{
    /// <summary>The bounds, as written: <c>ttft&lt;500ms,tpot&lt;50ms</c>.</summary>
    public required string Bounds { get; init; }

    /// <summary>Completed streams that met every bound.</summary>
    public long GoodRequests { get; init; }

    /// <summary>Their share of the completed streams, 0 to 1.</summary>
    public double Share { get; init; }

    /// <summary>Good streams per second of the span: the goodput.</summary>
    public double PerSecond { get; init; }
}

/// <summary>One LLM metric's distribution: count, mean, extremes and the standard percentiles (<see cref="Percentiles.Standard"/>).</summary>
public sealed record LlmDistribution
{
    /// <summary>An empty distribution.</summary>
    public static LlmDistribution Empty { get; } = new();

    /// <summary>Values recorded.</summary>
    public long Count { get; init; }

    /// <summary>Mean, from the exact sum.</summary>
    public double Mean { get; init; }

    /// <summary>Smallest value.</summary>
    public double Min { get; init; }

    /// <summary>Largest value.</summary>
    public double Max { get; init; }

    /// <summary>The percentiles of <see cref="Percentiles.Standard"/>; <see cref="PercentileValue.ValueMs"/> holds the value in the metric's unit.</summary>
    public IReadOnlyList<PercentileValue> Percentiles { get; init; } = [];

    /// <summary>
    /// The histogram (µs, or tokens for <see cref="LlmStats.OutputTokens"/>) in HdrHistogram's compressed encoding, kept
    /// on the history's seconds so that a span of them (an experiment's step) merges exactly; else <see langword="null"/>.
    /// </summary>
    internal byte[]? Histogram { get; init; }

    /// <summary>The distribution of <paramref name="histogram"/>'s values divided by <paramref name="divisor"/>, percentiles clamped to the exact extremes.</summary>
    internal static LlmDistribution Of(HdrHistogram.HistogramBase histogram, double divisor, double mean, double min, double max, bool keepHistogram)
    {
        min = Math.Round(min, 3);
        max = Math.Round(max, 3);
        var percentiles = new PercentileValue[Metrics.Percentiles.Standard.Count];
        for (int i = 0; i < percentiles.Length; i++)
        {
            double p = Metrics.Percentiles.Standard[i];
            double value = p >= 100 ? max : Math.Clamp(Math.Round(histogram.GetValueAtPercentile(p) / divisor, 3), min, max);
            percentiles[i] = new PercentileValue(p, value);
        }

        return new LlmDistribution
        {
            Count = histogram.TotalCount,
            Mean = Math.Round(mean, 3),
            Min = min,
            Max = max,
            Percentiles = percentiles,
            Histogram = keepHistogram ? HistogramCodec.Encode(histogram) : null,
        };
    }

    /// <summary>The value at <paramref name="percentile"/>: one of the standard percentiles, else the nearest above it; 0 when empty.</summary>
    public double Get(double percentile)
    {
        foreach (PercentileValue value in Percentiles)
        {
            if (value.Percentile >= percentile)
            {
                return value.ValueMs;
            }
        }

        return Percentiles.Count == 0 ? 0 : Percentiles[^1].ValueMs;
    }
}
