using HdrHistogram;

namespace Stampede.Metrics;

/// <summary>The LLM histograms and counters of one row over one span; owned by the aggregator alone.</summary>
internal sealed class LlmAccumulator
{
    private const int SignificantDigits = 3;
    private const long HighestTokens = 10_000_000;

    private readonly Metric _ttft = new(RowAccumulator.HighestTrackableMicros);
    private readonly Metric _itl = new(RowAccumulator.HighestTrackableMicros);
    private readonly Metric _tpot = new(RowAccumulator.HighestTrackableMicros);
    private readonly Metric _e2e = new(RowAccumulator.HighestTrackableMicros);
    private readonly Metric _tokens = new(HighestTokens);
    private long _requests;
    private long _inputTokens;
    private long _inputCounted;
    private long _fromUsage;
    private long _good;

    public long Requests => _requests;

    /// <summary>The per-request bounds a good stream meets; <see langword="null"/> when goodput is not measured.</summary>
    public Llm.GoodputBounds? Goodput { get; set; }

    public void Add(LlmSample sample, Func<long, long> toMicros)
    {
        _requests++;
        long first = sample.ContentTimestamps[0];
        long ttft = toMicros(Math.Max(0, first - sample.IntendedStart));
        long e2e = toMicros(Math.Max(0, sample.End - sample.IntendedStart));
        _ttft.Add(ttft);
        _e2e.Add(e2e);
        for (int i = 1; i < sample.ContentTimestamps.Count; i++)
        {
            _itl.Add(toMicros(Math.Max(0, sample.ContentTimestamps[i] - sample.ContentTimestamps[i - 1])));
        }

        long? tpot = sample.OutputTokens > 1 ? (long)Math.Round((e2e - ttft) / (double)(sample.OutputTokens - 1)) : null;
        if (tpot is { } perToken)
        {
            _tpot.Add(perToken);
        }

        if (Goodput is { } bounds && bounds.IsMetBy(ttft / 1000.0, tpot / 1000.0, e2e / 1000.0))
        {
            _good++;
        }

        _tokens.Add(Math.Max(0, sample.OutputTokens));
        _fromUsage += sample.TokensFromUsage ? 1 : 0;
        if (sample.InputTokens is { } input)
        {
            _inputTokens += input;
            _inputCounted++;
        }
    }

    /// <summary>The statistics of the span; with <paramref name="includeHistograms"/> (the history's seconds) each distribution keeps its histogram, so spans of seconds merge exactly.</summary>
    public LlmStats ToStats(double seconds, bool includeHistograms = false)
    {
        double span = Math.Max(seconds, 1e-9);
        return new LlmStats
        {
            Requests = _requests,
            TtftMs = _ttft.ToDistribution(1000, includeHistograms),
            ItlMs = _itl.ToDistribution(1000, includeHistograms),
            TpotMs = _tpot.ToDistribution(1000, includeHistograms),
            E2eMs = _e2e.ToDistribution(1000, includeHistograms),
            OutputTokens = _tokens.ToDistribution(1, includeHistograms),
            OutputTokensTotal = _tokens.Sum,
            InputTokensTotal = _inputTokens,
            InputTokensMean = _inputCounted == 0 ? null : Math.Round(_inputTokens / (double)_inputCounted, 3),
            InputTokensCounted = _inputCounted,
            OutputTokensPerSecond = seconds <= 0 ? 0 : _tokens.Sum / span,
            RequestsPerSecond = seconds <= 0 ? 0 : _requests / span,
            TokenSource = _fromUsage == _requests ? "usage" : _fromUsage == 0 ? "tokenizer" : "mixed",
            Goodput = Goodput is null ? null : new GoodputStats
            {
                Bounds = Goodput.Expression,
                GoodRequests = _good,
                Share = _requests == 0 ? 0 : Math.Round(_good / (double)_requests, 5),
                PerSecond = seconds <= 0 ? 0 : _good / span,
            },
        };
    }

    /// <summary>The accumulator's whole state, histograms encoded, as an agent sends it.</summary>
    public LlmState ToState() => new()
    {
        Requests = _requests,
        Ttft = _ttft.ToState(),
        Itl = _itl.ToState(),
        Tpot = _tpot.ToState(),
        E2e = _e2e.ToState(),
        Tokens = _tokens.ToState(),
        InputTokens = _inputTokens,
        InputCounted = _inputCounted,
        FromUsage = _fromUsage,
        Good = _good,
    };

    /// <summary>Adds another generator's state of the same row and span (exact: histograms merge bucket by bucket).</summary>
    /// <exception cref="InvalidDataException">A histogram in <paramref name="state"/> is damaged.</exception>
    public void Merge(LlmState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _requests += state.Requests;
        _ttft.Merge(state.Ttft);
        _itl.Merge(state.Itl);
        _tpot.Merge(state.Tpot);
        _e2e.Merge(state.E2e);
        _tokens.Merge(state.Tokens);
        _inputTokens += state.InputTokens;
        _inputCounted += state.InputCounted;
        _fromUsage += state.FromUsage;
        _good += state.Good;
    }

    public void Reset()
    {
        _ttft.Reset();
        _itl.Reset();
        _tpot.Reset();
        _e2e.Reset();
        _tokens.Reset();
        _requests = 0;
        _inputTokens = 0;
        _inputCounted = 0;
        _fromUsage = 0;
        _good = 0;
    }

    /// <summary>One metric: its histogram (µs, or tokens) with the exact sum and extremes beside it.</summary>
    private sealed class Metric(long highest)
    {
        private readonly LongHistogram _histogram = new(1, highest, SignificantDigits);
        private long _min = long.MaxValue;
        private long _max;

        public long Sum { get; private set; }

        public void Add(long value)
        {
            long clamped = Math.Min(value, highest);
            _histogram.RecordValue(clamped);
            Sum += clamped;
            _min = Math.Min(_min, clamped);
            _max = Math.Max(_max, clamped);
        }

        public LlmDistribution ToDistribution(double divisor, bool includeHistogram)
        {
            long count = _histogram.TotalCount;
            return count == 0
                ? LlmDistribution.Empty
                : LlmDistribution.Of(_histogram, divisor, Sum / divisor / count, _min / divisor, _max / divisor, includeHistogram);
        }

        public LlmMetricState ToState() =>
            new(_histogram.TotalCount == 0 ? null : HistogramWire.Encode(_histogram), Sum, _min, _max);

        public void Merge(LlmMetricState state)
        {
            if (state.Histogram is not { } bytes)
            {
                return;
            }

            HistogramWire.AddTo(bytes, _histogram);
            Sum += state.Sum;
            _min = Math.Min(_min, state.Min);
            _max = Math.Max(_max, state.Max);
        }

        public void Reset()
        {
            _histogram.Reset();
            Sum = 0;
            _min = long.MaxValue;
            _max = 0;
        }
    }
}
