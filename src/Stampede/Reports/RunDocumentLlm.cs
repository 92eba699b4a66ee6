namespace Stampede.Reports;

/// <summary>The LLM statistics of a row's completed streams (docs/llm.md, docs/json-schema.md#llm).</summary>
internal sealed record RunDocumentLlm
{
    /// <summary>Completed streams measured.</summary>
    public required long Requests { get; init; }

    /// <summary>Time to first token, ms, from the intended start.</summary>
    public required RunDocumentDistribution TtftMs { get; init; }

    /// <summary>Inter-token latency, ms: every gap between content events, pooled.</summary>
    public required RunDocumentDistribution ItlMs { get; init; }

    /// <summary>Time per output token after the first, ms.</summary>
    public required RunDocumentDistribution TpotMs { get; init; }

    /// <summary>End-to-end latency, ms, from the intended start.</summary>
    public required RunDocumentDistribution E2eMs { get; init; }

    /// <summary>Output tokens per request, with their total.</summary>
    public required RunDocumentTokens OutputTokens { get; init; }

    /// <summary>Prompt tokens, over the requests whose server reported them.</summary>
    public required RunDocumentInputTokens InputTokens { get; init; }

    /// <summary>Output tokens per second of the span.</summary>
    public required double OutputTokensPerSecond { get; init; }

    /// <summary>Completed streams per second of the span.</summary>
    public required double RequestsPerSecond { get; init; }

    /// <summary>Where the output token counts came from: <c>usage</c>, <c>tokenizer</c> or <c>mixed</c>.</summary>
    public required string TokenSource { get; init; }

    /// <summary>Goodput with <c>--goodput</c>; null without.</summary>
    public RunDocumentGoodput? Goodput { get; init; }
}

/// <summary>Goodput: the completed streams that met every per-request bound.</summary>
internal sealed record RunDocumentGoodput
{
    /// <summary>The bounds as written: <c>ttft&lt;500ms,tpot&lt;50ms</c>.</summary>
    public required string Bounds { get; init; }

    /// <summary>Completed streams that met every bound.</summary>
    public required long Requests { get; init; }

    /// <summary>Their share of the completed streams, 0 to 1.</summary>
    public required double Share { get; init; }

    /// <summary>Good streams per second of the span.</summary>
    public required double PerSecond { get; init; }
}

/// <summary>A distribution: count, mean, extremes and percentiles keyed as the response times' (<c>50</c> … <c>100</c>).</summary>
internal sealed record RunDocumentDistribution
{
    public required long Count { get; init; }

    public required double Mean { get; init; }

    public required double Min { get; init; }

    public required double Max { get; init; }

    public required IReadOnlyDictionary<string, double> Percentiles { get; init; }
}

/// <summary>Output tokens: the per-request distribution and the total.</summary>
internal sealed record RunDocumentTokens
{
    public required long Total { get; init; }

    public required RunDocumentDistribution PerRequest { get; init; }
}

/// <summary>Prompt tokens: the total and the mean per request that reported them (null when none did).</summary>
internal sealed record RunDocumentInputTokens
{
    public required long Total { get; init; }

    public double? Mean { get; init; }
}
