namespace Stampede.Metrics;

/// <summary>
/// Statistics of one row (requests with the same method and name) or of the aggregated row, over the
/// whole run or over one interval. Immutable.
/// </summary>
/// <remarks>
/// Times are milliseconds with microsecond precision (3 decimals). Percentiles come from an
/// HdrHistogram with 3 significant digits, clamped to the exact minimum and maximum, so p99 never
/// exceeds the maximum. Response time is measured from the intended start of the request to the last
/// byte of the response; in a closed-model run the intended start is the moment the request was sent.
/// </remarks>
public sealed record RowStats
{
    /// <summary>The row's method and name; the aggregated row has an empty method and the name <c>Aggregated</c>.</summary>
    public required RowKey Key { get; init; }

    /// <summary>Requests completed (successes and failures).</summary>
    public long Requests { get; init; }

    /// <summary>Requests that failed (transport errors, non-2xx, failed checks).</summary>
    public long Failures { get; init; }

    /// <summary>Fastest response time, ms; 0 when there were no requests.</summary>
    public double MinMs { get; init; }

    /// <summary>Slowest response time, ms.</summary>
    public double MaxMs { get; init; }

    /// <summary>Mean response time, ms, from the exact sum (not the histogram).</summary>
    public double AverageMs { get; init; }

    /// <summary>Median (p50) response time, ms.</summary>
    public double MedianMs { get; init; }

    /// <summary>Response-time percentiles, ms, for each of <see cref="Percentiles.Standard"/>.</summary>
    public IReadOnlyList<PercentileValue> Percentiles { get; init; } = [];

    /// <summary>The LLM metrics of the row's streamed completions (TTFT, ITL, TPOT, e2e, tokens); <see langword="null"/> for a row with none.</summary>
    public LlmStats? Llm { get; init; }

    /// <summary>Time to first byte (response headers received) percentiles, ms; empty for interval rows.</summary>
    public IReadOnlyList<PercentileValue> TimeToFirstBytePercentiles { get; init; } = [];

    /// <summary>Mean time to first byte, ms.</summary>
    public double AverageTimeToFirstByteMs { get; init; }

    /// <summary>
    /// Service time percentiles, ms: from the moment each request was actually sent to its last byte,
    /// leaving out any wait for its intended start. Equal to <see cref="Percentiles"/> when nothing ran late;
    /// the gap between the two is what coordinated omission would have hidden. Empty for interval rows.
    /// </summary>
    public IReadOnlyList<PercentileValue> ServiceTimePercentiles { get; init; } = [];

    /// <summary>Mean service time (actual send to last byte), ms.</summary>
    public double AverageServiceTimeMs { get; init; }

    /// <summary>
    /// Scheduling lag percentiles, ms: actual send minus intended start, over requests the open-model
    /// scheduler timed (<see cref="ScheduledRequests"/>). Only the aggregated row keeps them; empty otherwise.
    /// </summary>
    public IReadOnlyList<PercentileValue> SchedulingLagPercentiles { get; init; } = [];

    /// <summary>Requests whose intended start came from the open-model scheduler.</summary>
    public long ScheduledRequests { get; init; }

    /// <summary>Request body bytes sent.</summary>
    public long BytesSent { get; init; }

    /// <summary>Response body bytes received.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Mean response body size, bytes (Locust's "Average Content Size").</summary>
    public double AverageContentSize => Requests == 0 ? 0 : (double)BytesReceived / Requests;

    /// <summary>Requests per second over the whole span the row covers (the run so far, or one interval).</summary>
    public double RequestsPerSecond { get; init; }

    /// <summary>Failures per second over the same span as <see cref="RequestsPerSecond"/>.</summary>
    public double FailuresPerSecond { get; init; }

    /// <summary>Requests per second over the last (up to) 10 complete one-second intervals.</summary>
    public double CurrentRequestsPerSecond { get; init; }

    /// <summary>Failures per second over the last (up to) 10 complete one-second intervals.</summary>
    public double CurrentFailuresPerSecond { get; init; }

    /// <summary>The response-time histogram (µs) in HdrHistogram's compressed V2 encoding, when kept.</summary>
    public byte[]? Histogram { get; init; }

    /// <summary>Failures divided by requests, 0 to 1.</summary>
    public double FailureRatio => Requests == 0 ? 0 : (double)Failures / Requests;

    /// <summary>The response time at <paramref name="percentile"/> (one of <see cref="Percentiles.Standard"/>), ms.</summary>
    public double GetPercentile(double percentile) => Find(Percentiles, percentile);

    /// <summary>The service time at <paramref name="percentile"/> (one of <see cref="Percentiles.Standard"/>), ms.</summary>
    public double GetServiceTimePercentile(double percentile) => Find(ServiceTimePercentiles, percentile);

    /// <summary>The scheduling lag at <paramref name="percentile"/> (one of <see cref="Percentiles.Standard"/>), ms; 0 when nothing was scheduled.</summary>
    public double GetSchedulingLagPercentile(double percentile) => SchedulingLagPercentiles.Count == 0 ? 0 : Find(SchedulingLagPercentiles, percentile);

    /// <summary>The response time at <paramref name="percentile"/>, ms, when the row keeps it (rows without requests keep none).</summary>
    public bool TryGetPercentile(double percentile, out double ms) => TryFind(Percentiles, percentile, out ms);

    private static double Find(IReadOnlyList<PercentileValue> values, double percentile) =>
        TryFind(values, percentile, out double ms)
            ? ms
            : throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "Not one of Percentiles.Standard, or not kept for this row.");

    private static bool TryFind(IReadOnlyList<PercentileValue> values, double percentile, out double ms)
    {
        foreach (PercentileValue p in values)
        {
            if (p.Percentile == percentile)
            {
                ms = p.ValueMs;
                return true;
            }
        }

        ms = 0;
        return false;
    }
}

/// <summary>One percentile of a distribution.</summary>
/// <param name="Percentile">0 to 100.</param>
/// <param name="ValueMs">Milliseconds.</param>
public readonly record struct PercentileValue(double Percentile, double ValueMs);
