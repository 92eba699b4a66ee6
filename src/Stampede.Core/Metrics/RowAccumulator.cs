using HdrHistogram;

namespace Stampede.Metrics;

/// <summary>Counters and histograms of one row over one span; owned by the aggregator alone.</summary>
internal sealed class RowAccumulator
{
    /// <summary>Histograms hold microseconds from 0 to one hour; longer requests are clamped to one hour.</summary>
    public const long HighestTrackableMicros = 3_600_000_000;

    private const int SignificantDigits = 3;

    /// <param name="trackTimeToFirstByte">Keep time to first byte and service time (whole-run rows).</param>
    /// <param name="trackLag">Keep the scheduling lag of scheduled samples (the aggregated row, whole run and per second).</param>
    public RowAccumulator(bool trackTimeToFirstByte, bool trackLag = false)
    {
        Latency = new LongHistogram(1, HighestTrackableMicros, SignificantDigits);
        TimeToFirstByte = trackTimeToFirstByte ? new LongHistogram(1, HighestTrackableMicros, SignificantDigits) : null;
        ServiceTime = trackTimeToFirstByte ? new LongHistogram(1, HighestTrackableMicros, SignificantDigits) : null;
        Lag = trackLag ? new LongHistogram(1, HighestTrackableMicros, SignificantDigits) : null;
        Reset();
    }

    /// <summary>Response time from the intended start to the last byte, µs.</summary>
    public LongHistogram Latency { get; }

    public LongHistogram? TimeToFirstByte { get; }

    /// <summary>Response time from the actual send to the last byte, µs.</summary>
    public LongHistogram? ServiceTime { get; }

    /// <summary>Actual send minus intended start of scheduled samples, µs.</summary>
    public LongHistogram? Lag { get; }

    public long SumServiceTicks { get; private set; }

    public long MaxLagTicks { get; private set; }

    public long Count { get; private set; }

    public long Failures { get; private set; }

    public long SumTicks { get; private set; }

    public long SumTimeToFirstByteTicks { get; private set; }

    public long MinTicks { get; private set; }

    public long MaxTicks { get; private set; }

    public long BytesSent { get; private set; }

    public long BytesReceived { get; private set; }

    public void Add(in RequestSample sample, long latencyTicks, long latencyMicros, long ttfbTicks, long ttfbMicros)
    {
        Count++;
        if (sample.IsFailure)
        {
            Failures++;
        }

        SumTicks += latencyTicks;
        MinTicks = Math.Min(MinTicks, latencyTicks);
        MaxTicks = Math.Max(MaxTicks, latencyTicks);
        BytesSent += sample.BytesSent;
        BytesReceived += sample.BytesReceived;
        Latency.RecordValue(latencyMicros);
        if (TimeToFirstByte is not null)
        {
            SumTimeToFirstByteTicks += ttfbTicks;
            TimeToFirstByte.RecordValue(ttfbMicros);
        }
    }

    /// <summary>
    /// Adds the parts a sample's intended start splits its response time into: service time and scheduling lag
    /// (<paramref name="withLag"/>: whether its lag counts here; a second's lag leaves out the arrivals of the run's first second).
    /// </summary>
    public void AddDetail(in RequestSample sample, long serviceTicks, long serviceMicros, long lagTicks, long lagMicros, bool withLag = true)
    {
        if (ServiceTime is not null)
        {
            SumServiceTicks += serviceTicks;
            ServiceTime.RecordValue(serviceMicros);
        }

        if (Lag is not null && sample.Scheduled && withLag)
        {
            MaxLagTicks = Math.Max(MaxLagTicks, lagTicks);
            Lag.RecordValue(lagMicros);
        }
    }

    public void Reset()
    {
        Latency.Reset();
        TimeToFirstByte?.Reset();
        ServiceTime?.Reset();
        Lag?.Reset();
        SumServiceTicks = 0;
        MaxLagTicks = 0;
        Count = 0;
        Failures = 0;
        SumTicks = 0;
        SumTimeToFirstByteTicks = 0;
        MinTicks = long.MaxValue;
        MaxTicks = 0;
        BytesSent = 0;
        BytesReceived = 0;
    }

    /// <summary>The accumulator's whole state, histograms encoded, as an agent sends it (<see cref="IntervalState"/>).</summary>
    /// <param name="key">The row it counts.</param>
    /// <param name="extraLag">Scheduling lag kept beside <see cref="Lag"/> (the run's first-second arrivals, which no second is judged on), merged into the state's.</param>
    /// <param name="extraMaxLagTicks">The largest lag in <paramref name="extraLag"/>, ticks.</param>
    public RowState ToState(RowKey key, LongHistogram? extraLag = null, long extraMaxLagTicks = 0)
    {
        byte[]? lag = null;
        if (Lag is not null)
        {
            if (extraLag is { TotalCount: > 0 })
            {
                var all = (LongHistogram)Lag.Copy();
                all.Add(extraLag);
                lag = HistogramWire.Encode(all);
            }
            else
            {
                lag = HistogramWire.Encode(Lag);
            }
        }

        return new RowState
        {
            Method = key.Method,
            Name = key.Name,
            Count = Count,
            Failures = Failures,
            SumTicks = SumTicks,
            SumTimeToFirstByteTicks = SumTimeToFirstByteTicks,
            SumServiceTicks = SumServiceTicks,
            MinTicks = MinTicks,
            MaxTicks = MaxTicks,
            MaxLagTicks = Math.Max(MaxLagTicks, extraMaxLagTicks),
            BytesSent = BytesSent,
            BytesReceived = BytesReceived,
            Latency = HistogramWire.Encode(Latency),
            TimeToFirstByte = TimeToFirstByte is null ? null : HistogramWire.Encode(TimeToFirstByte),
            ServiceTime = ServiceTime is null ? null : HistogramWire.Encode(ServiceTime),
            Lag = lag,
        };
    }

    /// <summary>
    /// Adds another generator's <paramref name="state"/> of the same row to <paramref name="whole"/> and to
    /// <paramref name="interval"/>: counts and sums add, extremes widen, histograms merge bucket by bucket (exact: the
    /// merged histogram is the one a single generator would have recorded). A histogram either accumulator does not
    /// keep is left out of it.
    /// </summary>
    /// <param name="state">The state to add.</param>
    /// <param name="tickScale">This clock's ticks per tick of the state's clock (1 when both run at the same frequency).</param>
    /// <param name="whole">The whole-run accumulator.</param>
    /// <param name="interval">The second's accumulator.</param>
    /// <exception cref="InvalidDataException">A histogram in <paramref name="state"/> is damaged.</exception>
    public static void Merge(RowState state, double tickScale, RowAccumulator whole, RowAccumulator interval)
    {
        ArgumentNullException.ThrowIfNull(state);
        whole.AddCounters(state, tickScale);
        interval.AddCounters(state, tickScale);
        HistogramWire.AddTo(state.Latency, whole.Latency, interval.Latency);
        MergeInto(state.TimeToFirstByte, whole.TimeToFirstByte, interval.TimeToFirstByte);
        MergeInto(state.ServiceTime, whole.ServiceTime, interval.ServiceTime);
        MergeInto(state.Lag, whole.Lag, interval.Lag);
    }

    private static void MergeInto(byte[]? encoded, LongHistogram? first, LongHistogram? second)
    {
        if (encoded is not null && (first is not null || second is not null))
        {
            HistogramWire.AddTo(encoded, first, second);
        }
    }

    private void AddCounters(RowState state, double tickScale)
    {
        Count += state.Count;
        Failures += state.Failures;
        SumTicks += Scale(state.SumTicks, tickScale);
        SumTimeToFirstByteTicks += Scale(state.SumTimeToFirstByteTicks, tickScale);
        SumServiceTicks += Scale(state.SumServiceTicks, tickScale);
        if (state.Count > 0)
        {
            MinTicks = Math.Min(MinTicks, Scale(state.MinTicks, tickScale));
        }

        MaxTicks = Math.Max(MaxTicks, Scale(state.MaxTicks, tickScale));
        MaxLagTicks = Math.Max(MaxLagTicks, Scale(state.MaxLagTicks, tickScale));
        BytesSent += state.BytesSent;
        BytesReceived += state.BytesReceived;
    }

    private static long Scale(long ticks, double scale) => scale == 1 ? ticks : (long)Math.Round(ticks * scale);

    /// <summary>Builds the immutable statistics; <paramref name="seconds"/> is the span the rates divide by.</summary>
    public RowStats ToStats(RowKey key, double seconds, long frequency, bool includeHistogram)
    {
        double ticksToMs = 1000.0 / frequency;
        double min = Count == 0 ? 0 : Round(MinTicks * ticksToMs);
        double max = Round(MaxTicks * ticksToMs);
        var percentiles = new PercentileValue[Percentiles.Standard.Count];
        for (int i = 0; i < percentiles.Length; i++)
        {
            double p = Percentiles.Standard[i];
            percentiles[i] = new PercentileValue(p, PercentileMs(Latency, p, min, max));
        }

        PercentileValue[] ttfb = [];
        if (TimeToFirstByte is not null && Count > 0)
        {
            ttfb = new PercentileValue[Percentiles.Standard.Count];
            double ttfbMax = Math.Min(max, Round(TimeToFirstByte.GetMaxValue() / 1000.0));
            for (int i = 0; i < ttfb.Length; i++)
            {
                double p = Percentiles.Standard[i];
                ttfb[i] = new PercentileValue(p, PercentileMs(TimeToFirstByte, p, 0, ttfbMax));
            }
        }

        PercentileValue[] service = [];
        if (ServiceTime is not null && Count > 0)
        {
            service = Distribution(ServiceTime, 0, max);
        }

        PercentileValue[] lag = [];
        if (Lag is not null && Lag.TotalCount > 0)
        {
            lag = Distribution(Lag, 0, Round(MaxLagTicks * ticksToMs));
        }

        double span = Math.Max(seconds, 1e-9);
        return new RowStats
        {
            Key = key,
            Requests = Count,
            Failures = Failures,
            MinMs = min,
            MaxMs = max,
            AverageMs = Count == 0 ? 0 : Round(SumTicks * ticksToMs / Count),
            MedianMs = percentiles[0].ValueMs,
            Percentiles = percentiles,
            TimeToFirstBytePercentiles = ttfb,
            AverageTimeToFirstByteMs = Count == 0 || TimeToFirstByte is null ? 0 : Round(SumTimeToFirstByteTicks * ticksToMs / Count),
            ServiceTimePercentiles = service,
            AverageServiceTimeMs = Count == 0 || ServiceTime is null ? 0 : Round(SumServiceTicks * ticksToMs / Count),
            SchedulingLagPercentiles = lag,
            ScheduledRequests = Lag?.TotalCount ?? 0,
            BytesSent = BytesSent,
            BytesReceived = BytesReceived,
            RequestsPerSecond = seconds <= 0 ? 0 : Count / span,
            FailuresPerSecond = seconds <= 0 ? 0 : Failures / span,
            Histogram = includeHistogram ? HistogramCodec.Encode(Latency) : null,
        };
    }

    private static PercentileValue[] Distribution(LongHistogram histogram, double minMs, double maxMs)
    {
        var values = new PercentileValue[Percentiles.Standard.Count];
        double top = Math.Min(maxMs, Round(histogram.GetMaxValue() / 1000.0));
        for (int i = 0; i < values.Length; i++)
        {
            double p = Percentiles.Standard[i];
            values[i] = new PercentileValue(p, PercentileMs(histogram, p, minMs, top));
        }

        return values;
    }

    private static double PercentileMs(LongHistogram histogram, double percentile, double minMs, double maxMs)
    {
        if (histogram.TotalCount == 0)
        {
            return 0;
        }

        if (percentile >= 100)
        {
            return maxMs;
        }

        // HdrHistogram answers with the highest value equivalent to the bucket (within 0.1% at 3
        // digits); clamping to the exact extremes keeps p99 <= max and p0 >= min.
        double ms = histogram.GetValueAtPercentile(percentile) / 1000.0;
        return Math.Clamp(ms, minMs, Math.Max(minMs, maxMs));
    }

    private static double Round(double ms) => Math.Round(ms, 3);
}
