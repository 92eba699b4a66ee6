using System.Text.Json.Serialization;

namespace Stampede.Reports;

/// <summary>One second of the run: the requests that completed in it.</summary>
internal sealed record RunDocumentInterval
{
    /// <summary>Index of the second since the start (0 = the first).</summary>
    public required long Second { get; init; }

    /// <summary>Wall-clock start of the interval.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>Length, seconds: 1, except for the last interval of a run.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>Users running at the end of the interval.</summary>
    public required int Users { get; init; }

    /// <summary>Every request completed in the interval.</summary>
    public required RunDocumentIntervalRow Aggregated { get; init; }

    /// <summary>The rows that completed requests in the interval, sorted by name then method.</summary>
    public required IReadOnlyList<RunDocumentIntervalRow> Rows { get; init; }

    /// <summary>Open model: arrivals whose intended start fell in the interval.</summary>
    public long DueIterations { get; init; }

    /// <summary>Open model: arrivals of the interval dropped because no user was free.</summary>
    public long DroppedIterations { get; init; }

    /// <summary>Scheduling lag p99 of the scheduled requests completed in the interval, ms; null when none.</summary>
    public double? SchedulingLagP99Ms { get; init; }

    /// <summary>Whether the generator was bound in the interval (CPU above its threshold or lag p99 above 5 ms).</summary>
    public bool GeneratorBound { get; init; }
}

/// <summary>Statistics of one row (or of all requests) over one interval.</summary>
internal sealed record RunDocumentIntervalRow
{
    /// <summary>The row's method; absent on the interval's aggregated entry.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Method { get; init; }

    /// <summary>The row's name; absent on the interval's aggregated entry.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    /// <summary>Requests completed in the interval.</summary>
    public required long Requests { get; init; }

    /// <summary>Of which failed.</summary>
    public required long Failures { get; init; }

    /// <summary>Requests divided by the interval's length, requests/s.</summary>
    public required double RequestsPerSecond { get; init; }

    /// <summary>Failures divided by the interval's length, failures/s.</summary>
    public required double FailuresPerSecond { get; init; }

    /// <summary>Fastest response time, ms; 0 without requests.</summary>
    public required double MinMs { get; init; }

    /// <summary>Slowest response time, ms.</summary>
    public required double MaxMs { get; init; }

    /// <summary>Mean response time, ms.</summary>
    public required double AverageMs { get; init; }

    /// <summary>Response-time percentiles of the interval, ms, keyed as <see cref="RunDocumentRow.PercentilesMs"/>.</summary>
    public required IReadOnlyDictionary<string, double> PercentilesMs { get; init; }

    /// <summary>Base64 of the interval's response-time histogram (µs, HdrHistogram V2 compressed), or null.</summary>
    public string? Histogram { get; init; }

    /// <summary>The LLM statistics of the streams that ended in this second; absent when none did.</summary>
    public RunDocumentLlm? Llm { get; init; }
}
