namespace Stampede.Reports;

/// <summary>Whole-run statistics of one row, or of the aggregated row (method empty, name <c>Aggregated</c>).</summary>
internal sealed record RunDocumentRow
{
    /// <summary>HTTP method or request type; empty for the aggregated row.</summary>
    public required string Method { get; init; }

    /// <summary>Request name; <c>Aggregated</c> for the aggregated row.</summary>
    public required string Name { get; init; }

    /// <summary>Requests completed, successes and failures.</summary>
    public required long Requests { get; init; }

    /// <summary>Requests that failed.</summary>
    public required long Failures { get; init; }

    /// <summary>Failures divided by requests, 0 to 1.</summary>
    public required double FailureRatio { get; init; }

    /// <summary>Fastest response time, ms; 0 without requests.</summary>
    public required double MinMs { get; init; }

    /// <summary>Slowest response time, ms.</summary>
    public required double MaxMs { get; init; }

    /// <summary>Mean response time, ms, from the exact sum.</summary>
    public required double AverageMs { get; init; }

    /// <summary>Median response time, ms.</summary>
    public required double MedianMs { get; init; }

    /// <summary>Response-time percentiles, ms, keyed by the percentile without <c>%</c>: <c>50</c> … <c>99.99</c>, <c>100</c>.</summary>
    public required IReadOnlyDictionary<string, double> PercentilesMs { get; init; }

    /// <summary>Time to first byte (response headers received).</summary>
    public required RunDocumentTimeToFirstByte TimeToFirstByte { get; init; }

    /// <summary>Request body bytes sent.</summary>
    public required long BytesSent { get; init; }

    /// <summary>Response body bytes received.</summary>
    public required long BytesReceived { get; init; }

    /// <summary>Mean response body size, bytes.</summary>
    public required double AverageContentSize { get; init; }

    /// <summary>Requests per second over the whole run.</summary>
    public required double RequestsPerSecond { get; init; }

    /// <summary>Failures per second over the whole run.</summary>
    public required double FailuresPerSecond { get; init; }

    /// <summary>Requests per second over the last (up to) 10 complete one-second intervals.</summary>
    public required double CurrentRequestsPerSecond { get; init; }

    /// <summary>Failures per second over the last (up to) 10 complete one-second intervals.</summary>
    public required double CurrentFailuresPerSecond { get; init; }

    /// <summary>Base64 of the response-time histogram (µs, HdrHistogram V2 compressed), or null when not kept.</summary>
    public string? Histogram { get; init; }

    /// <summary>Service time: from each request's actual send to its last byte, leaving out any wait for its intended start.</summary>
    public RunDocumentTimeToFirstByte? ServiceTime { get; init; }

    /// <summary>Scheduling lag (actual send − intended start) of open-model requests; on the aggregated row only, null otherwise.</summary>
    public RunDocumentLag? SchedulingLag { get; init; }

    /// <summary>The LLM statistics of the row's completed streams; absent for a row without any.</summary>
    public RunDocumentLlm? Llm { get; init; }

    /// <summary>Keys of <see cref="PercentilesMs"/> computed from fewer samples than MLPerf's binomial bound asks (p90 needs 64, p99 662).</summary>
    public IReadOnlyList<string>? InsufficientPercentiles { get; init; }
}

/// <summary>Scheduling lag of the requests the open-model scheduler timed.</summary>
internal sealed record RunDocumentLag
{
    /// <summary>Requests whose intended start came from the scheduler.</summary>
    public required long ScheduledRequests { get; init; }

    /// <summary>Percentiles, ms, keyed as <see cref="RunDocumentRow.PercentilesMs"/>.</summary>
    public required IReadOnlyDictionary<string, double> PercentilesMs { get; init; }
}

/// <summary>Time-to-first-byte statistics of a row.</summary>
internal sealed record RunDocumentTimeToFirstByte
{
    /// <summary>Mean time to first byte, ms.</summary>
    public required double AverageMs { get; init; }

    /// <summary>Percentiles, ms, keyed as <see cref="RunDocumentRow.PercentilesMs"/>; empty without requests.</summary>
    public required IReadOnlyDictionary<string, double> PercentilesMs { get; init; }
}
