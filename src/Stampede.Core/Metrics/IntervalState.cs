namespace Stampede.Metrics;

/// <summary>
/// One closed second of one generator's measurements in a form that merges exactly with other generators' same
/// second: every histogram whole (response time, time to first byte, service time, scheduling lag, the LLM metrics),
/// every sum and extreme in clock ticks. What an agent of a distributed run sends its coordinator; the coordinator's
/// statistics are the sum of these, so its percentiles are those of one histogram of every request.
/// </summary>
/// <remarks>
/// Every request belongs to exactly one second (the one its response completed in), so a run's whole-run rows are
/// the merge of its seconds: nothing is counted twice and nothing is kept per request.
/// </remarks>
internal sealed record IntervalState
{
    /// <summary>The second since the run's start (0 = the first).</summary>
    public required long Second { get; init; }

    /// <summary>The second's length, s: 1 except for the last one of a run.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>Users running at the end of the second.</summary>
    public int Users { get; init; }

    /// <summary>Open model: arrivals of this generator whose intended start fell in this second.</summary>
    public long DueIterations { get; init; }

    /// <summary>Open model: those of them dropped because no user was free.</summary>
    public long DroppedIterations { get; init; }

    /// <summary>Whether this generator was bound during the second (CPU, GC pauses or a late schedule).</summary>
    public bool GeneratorBound { get; init; }

    /// <summary>The rows that completed requests in the second.</summary>
    public required IReadOnlyList<RowState> Rows { get; init; }

    /// <summary>Every request of the second; its <see cref="RowState.Lag"/> holds every scheduled request's lag.</summary>
    public required RowState Total { get; init; }

    /// <summary>Requests of the second that failed, by row and reason.</summary>
    public IReadOnlyList<FailureCount> Failures { get; init; } = [];

    /// <summary>More parts of this second follow (<see cref="Split"/>): the second is not complete until its last part.</summary>
    public bool MoreParts { get; init; }

    /// <summary>
    /// This second in parts of at most <paramref name="rowsPerPart"/> rows each, for a transport whose messages have a size
    /// limit. Merging the parts is merging the whole: the first part carries the second's total, failures and counts, the
    /// others only rows, and every part but the last says more follow.
    /// </summary>
    public IReadOnlyList<IntervalState> Split(int rowsPerPart)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerPart, 1);
        if (Rows.Count <= rowsPerPart)
        {
            return [this];
        }

        var parts = new List<IntervalState>();
        for (int from = 0; from < Rows.Count; from += rowsPerPart)
        {
            IReadOnlyList<RowState> rows = [.. Rows.Skip(from).Take(rowsPerPart)];
            parts.Add(from == 0
                ? this with { Rows = rows, MoreParts = true }
                : new IntervalState
                {
                    Second = Second,
                    DurationSeconds = DurationSeconds,
                    Rows = rows,
                    Total = RowState.EmptyTotal,
                    MoreParts = true,
                });
        }

        parts[^1] = parts[^1] with { MoreParts = false };
        return parts;
    }
}

/// <summary>The counters and histograms of one row over one second, as <see cref="IntervalState"/> carries them.</summary>
internal sealed record RowState
{
    public required string Method { get; init; }

    public required string Name { get; init; }

    public long Count { get; init; }

    public long Failures { get; init; }

    /// <summary>Sum of response times, clock ticks.</summary>
    public long SumTicks { get; init; }

    public long SumTimeToFirstByteTicks { get; init; }

    public long SumServiceTicks { get; init; }

    /// <summary>Fastest response time, ticks; <see cref="long.MaxValue"/> without requests.</summary>
    public long MinTicks { get; init; }

    public long MaxTicks { get; init; }

    public long MaxLagTicks { get; init; }

    public long BytesSent { get; init; }

    public long BytesReceived { get; init; }

    /// <summary>Response time histogram (µs), in <see cref="HistogramWire"/> form (as every histogram here).</summary>
    public required byte[] Latency { get; init; }

    public byte[]? TimeToFirstByte { get; init; }

    public byte[]? ServiceTime { get; init; }

    /// <summary>Scheduling lag (µs) of scheduled requests; the aggregated row only.</summary>
    public byte[]? Lag { get; init; }

    /// <summary>The row's streamed completions; <see langword="null"/> for a row with none.</summary>
    public LlmState? Llm { get; init; }

    /// <summary>An aggregated row without requests (every histogram empty).</summary>
    public static RowState EmptyTotal { get; } = new RowAccumulator(trackTimeToFirstByte: true, trackLag: true).ToState(new RowKey(string.Empty, "Aggregated"));
}

/// <summary>The LLM counters and histograms of one row over one second.</summary>
internal sealed record LlmState
{
    public long Requests { get; init; }

    public required LlmMetricState Ttft { get; init; }

    public required LlmMetricState Itl { get; init; }

    public required LlmMetricState Tpot { get; init; }

    public required LlmMetricState E2e { get; init; }

    public required LlmMetricState Tokens { get; init; }

    public long InputTokens { get; init; }

    public long InputCounted { get; init; }

    public long FromUsage { get; init; }

    public long Good { get; init; }
}

/// <summary>One LLM metric: its histogram (µs, or tokens) with the exact sum and extremes.</summary>
internal sealed record LlmMetricState(byte[]? Histogram, long Sum, long Min, long Max);

/// <summary>Requests of one row that failed for one reason within one second.</summary>
internal sealed record FailureCount(string Method, string Name, string Error, long Count);

/// <summary>An exception a task or hook threw, counted; what an agent adds to its coordinator's errors.</summary>
internal sealed record UserErrorCount(string Source, string Type, string Message, string StackTrace, long Count);

/// <summary>What an agent's aggregator hands out at once: the seconds closed and the user errors raised since the last time.</summary>
/// <param name="Intervals">The closed seconds, oldest first.</param>
/// <param name="Errors">User errors raised since the last export, counted.</param>
internal sealed record AggregatorExport(IReadOnlyList<IntervalState> Intervals, IReadOnlyList<UserErrorCount> Errors);
