using System.Collections.Immutable;
using System.Globalization;
using Stampede.Monitoring;
using Stampede.Security;

namespace Stampede.Metrics;

/// <summary>
/// The one owner of a run's histograms: drains every thread's sample buffer, folds each sample into
/// its row and its one-second interval, closes intervals and builds immutable snapshots. Every method
/// must be called from a single thread at a time (the metrics pump, or a test).
/// </summary>
/// <remarks>
/// <para>
/// A sample belongs to the second in which its response completed, counted from the run's start, so
/// the per-second history is exact whatever the drain cadence. An interval closes once the clock is
/// <see cref="IntervalGrace"/> past its end, leaving time for samples still in buffers.
/// </para>
/// <para>
/// In a distributed run, an agent's aggregator also keeps each second's every histogram and hands the closed seconds
/// out whole (<see cref="ExportsIntervals"/>, <see cref="TakeExport"/>), and the coordinator's aggregator records no
/// samples of its own: it merges the agents' seconds (<see cref="Merge(IntervalState, double)"/>) and closes a second once every agent has
/// sent it (<see cref="MergeWatermark"/>). Its rows are then the exact merge of every agent's requests.
/// </para>
/// </remarks>
internal sealed class MetricsAggregator
{
    /// <summary>How long after its end an interval is closed.</summary>
    public static readonly TimeSpan IntervalGrace = TimeSpan.FromMilliseconds(250);

    private const int CurrentWindowSeconds = 10;

    /// <summary>The shortest interval whose scheduling lag is judged (see <see cref="GeneratorMonitor.JudgeSecond"/>).</summary>
    private const double MinJudgedSeconds = 0.5;

    private static readonly RowKey TotalKey = new(string.Empty, "Aggregated");

    private readonly MetricsRecorder _recorder;
    private readonly IGeneratorWatch _monitor;
    private readonly long _startTimestamp;
    private readonly DateTimeOffset _startedAt;
    private readonly long _frequency;
    private readonly long _graceTicks;
    private readonly List<RowAccumulator?> _rows = [];
    private readonly RowAccumulator _total = new(trackTimeToFirstByte: true, trackLag: true);
    private readonly SortedDictionary<long, IntervalAccumulator> _open = [];
    private readonly Stack<RowAccumulator> _pool = new();
    private readonly Stack<RowAccumulator> _totalPool = new();
    private readonly List<LlmAccumulator?> _llmRows = [];
    private readonly Stack<LlmAccumulator> _llmPool = new();
    private readonly Func<long, long> _toMicros;
    private LlmAccumulator? _llmTotal;
    private readonly Dictionary<(int Row, int Error), long> _failures = [];
    private readonly Dictionary<(string Source, string Type, string Message), (string StackTrace, long Count)> _userErrors = [];
    private readonly Dictionary<string, string> _redactedMessages = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> _usersAtEnd = [];
    private readonly IntervalHistory _history = new();
    private readonly List<IntervalState> _exported = [];
    private readonly Dictionary<(string Source, string Type, string Message), (string StackTrace, long Count)> _exportedErrors = [];
    private readonly Dictionary<long, MergedSecond> _merged = [];
    private long _nextSecondToClose;
    private long _nextSecondToNote;
    private long _lastTimestamp;
    private int _users;
    private bool _completed;

    public MetricsAggregator(MetricsRecorder recorder, IGeneratorWatch monitor, TimeProvider time, long startTimestamp)
    {
        _recorder = recorder;
        _monitor = monitor;
        _startTimestamp = startTimestamp;
        _lastTimestamp = startTimestamp;
        _startedAt = time.GetUtcNow();
        _frequency = time.TimestampFrequency;
        _graceTicks = (long)(IntervalGrace.TotalSeconds * _frequency);
        _toMicros = ToMicros;
    }

    /// <summary>
    /// Loads and compiles what an aggregator's construction needs (the histogram library), so that a run can
    /// take its start timestamp before constructing one without the first arrivals paying for it.
    /// </summary>
    public static void Prepare() => _ = new RowAccumulator(trackTimeToFirstByte: true, trackLag: true);

    /// <summary>
    /// An agent's aggregator: each second keeps every histogram (time to first byte and service time too) and its
    /// failures, and a closed second is kept whole for <see cref="TakeExport"/>. Set before the first sample.
    /// </summary>
    public bool ExportsIntervals { get; init; }

    /// <summary>A coordinator's aggregator: it merges agents' seconds (<see cref="Merge(IntervalState, double)"/>) instead of recording samples.</summary>
    public bool MergesIntervals { get; init; }

    /// <summary>
    /// Merging: seconds below this have been sent by every agent still in the run, so they may close (the clock and its
    /// grace still apply). A second stays open until then, so an agent's late second lands in its own second.
    /// </summary>
    public long MergeWatermark { get; set; }

    /// <summary>Users running now; written by the runner, read when an interval closes.</summary>
    public int Users
    {
        get => Volatile.Read(ref _users);
        set => Volatile.Write(ref _users, value);
    }

    public long StartTimestamp => _startTimestamp;

    /// <summary>Where the run's requests are recorded, with the causes noted for their failures.</summary>
    public MetricsRecorder Recorder => _recorder;

    /// <summary>The per-request bounds of goodput (<c>--goodput</c>); <see langword="null"/> when goodput is not measured.</summary>
    public Llm.GoodputBounds? Goodput { get; set; }

    /// <summary>How many of the newest one-second intervals stay in memory; older ones move to disk (<see cref="IntervalHistory"/>). 0 keeps them all.</summary>
    public int HistorySecondsInMemory
    {
        get => _history.SecondsInMemory;
        set => _history.SecondsInMemory = value;
    }

    /// <summary>Why the history could not move to disk; <see langword="null"/> while it could (or had no need to).</summary>
    public string? HistorySpillError => _history.SpillError;

    /// <summary>The open-model scheduler's counters; <see langword="null"/> in a closed-model run.</summary>
    public ArrivalCounters? Arrivals { get; set; }

    /// <summary>Moves every recorded sample and user error into the statistics.</summary>
    public int Drain()
    {
        var sink = new Sink(this);
        int drained = _recorder.Drain(ref sink);
        while (_recorder.TryDequeueLlm(out LlmSample? llm))
        {
            FoldLlm(llm);
        }
        while (_recorder.TryDequeueUserError(out UserError error))
        {
            var key = (error.Source, error.Exception.GetType().Name, RedactedMessage(error.Exception.Message));
            _userErrors[key] = _userErrors.TryGetValue(key, out var seen)
                ? (seen.StackTrace, seen.Count + 1)
                : (Secrets.Redact(error.Exception.ToString()), 1);
            if (ExportsIntervals)
            {
                _exportedErrors[key] = _exportedErrors.TryGetValue(key, out var sent)
                    ? (sent.StackTrace, sent.Count + 1)
                    : (_userErrors[key].StackTrace, 1);
            }
        }

        return drained;
    }

    /// <summary>An exception's message with secrets redacted, remembered: a task that throws on every iteration must not cost a redaction each time.</summary>
    private string RedactedMessage(string message)
    {
        if (!_redactedMessages.TryGetValue(message, out string? redacted))
        {
            redacted = Secrets.Redact(message);
            if (_redactedMessages.Count < 1024)
            {
                _redactedMessages[message] = redacted;
            }
        }

        return redacted;
    }

    /// <summary>Records an exception thrown by a snapshot subscriber (a console view) with the user errors.</summary>
    public void RecordSubscriberError(Exception exception)
    {
        _recorder.RecordUserError("SnapshotTaken subscriber", exception);
    }

    /// <summary>
    /// Takes the generator's sample of the second that just ended, then closes the intervals that are complete
    /// (<see cref="CloseIntervals"/>). The order matters: a long collection holds the caller too, so its next turn can
    /// come past a second's end and grace, and that second is judged with the sample that holds the pause only if the
    /// sample is taken first.
    /// </summary>
    /// <param name="nowTimestamp">The run clock's timestamp now.</param>
    public void SampleAndCloseIntervals(long nowTimestamp)
    {
        long elapsedTicks = nowTimestamp - _startTimestamp;
        _monitor.Sample(TimeSpan.FromSeconds(elapsedTicks / (double)_frequency), elapsedTicks / _frequency);
        CloseIntervals(nowTimestamp);
    }

    /// <summary>
    /// Closes every one-second interval that ended at least <see cref="IntervalGrace"/> before <paramref name="nowTimestamp"/>,
    /// and notes <see cref="Users"/> as the users at the end of every second that has ended since the last call.
    /// </summary>
    /// <remarks>
    /// An interval closes a second or so after its end (its grace period, then the pump's next tick): the users it
    /// reports are those noted when it ended, the same the live snapshot of that tick shows, not those at its closing.
    /// </remarks>
    public void CloseIntervals(long nowTimestamp)
    {
        long ended = (nowTimestamp - _startTimestamp) / _frequency; // seconds [0, ended) have ended
        int users = Users;
        while (_nextSecondToNote < ended)
        {
            _usersAtEnd[_nextSecondToNote++] = users;
        }

        long closable = (nowTimestamp - _startTimestamp - _graceTicks) / _frequency; // seconds [0, closable) are complete
        if (MergesIntervals)
        {
            closable = Math.Min(closable, MergeWatermark);
        }

        while (_nextSecondToClose < closable)
        {
            CloseInterval(_nextSecondToClose, MergedDuration(_nextSecondToClose, 1.0));
        }

        _lastTimestamp = Math.Max(_lastTimestamp, nowTimestamp);
    }

    /// <summary>Ends the run at <paramref name="endTimestamp"/>: drains and closes every interval, the last one possibly partial.</summary>
    public void Complete(long endTimestamp)
    {
        Drain();
        long ticks = Math.Max(0, endTimestamp - _startTimestamp);
        long fullSeconds = ticks / _frequency;
        while (_nextSecondToClose < fullSeconds)
        {
            CloseInterval(_nextSecondToClose, MergedDuration(_nextSecondToClose, 1.0));
        }

        double remainder = (ticks - (fullSeconds * _frequency)) / (double)_frequency;
        if (remainder > 0.001 || _open.Count > 0)
        {
            CloseInterval(_nextSecondToClose, MergedDuration(_nextSecondToClose, Math.Max(remainder, 0.001)));
        }

        // Samples that completed after the end (requests still in flight when the schedule's window closed)
        // keep their own seconds rather than vanishing from the history.
        while (_open.Count > 0)
        {
            CloseInterval(_nextSecondToClose, MergedDuration(_nextSecondToClose, 1.0));
        }

        // The run ends at its end, even if the pump last looked at the clock a little later.
        _lastTimestamp = endTimestamp;
        _completed = true;
    }

    /// <summary>An immutable snapshot at <paramref name="nowTimestamp"/>.</summary>
    public StatsSnapshot Snapshot(long nowTimestamp, bool includeHistograms = false)
    {
        _lastTimestamp = _completed ? _lastTimestamp : Math.Max(_lastTimestamp, nowTimestamp);
        double elapsedSeconds = (_lastTimestamp - _startTimestamp) / (double)_frequency;
        Dictionary<RowKey, (long Requests, long Failures)> recent = RecentCounts(out double recentSeconds);

        var rows = new List<RowStats>(_rows.Count);
        for (int id = 0; id < _rows.Count; id++)
        {
            RowAccumulator? accumulator = _rows[id];
            if (accumulator is null)
            {
                continue;
            }

            RowKey key = _recorder.GetRow(id);
            RowStats stats = accumulator.ToStats(key, elapsedSeconds, _frequency, includeHistograms);
            if (id < _llmRows.Count && _llmRows[id] is { } llm)
            {
                stats = stats with { Llm = llm.ToStats(elapsedSeconds) };
            }

            rows.Add(WithCurrentRates(stats, recent, recentSeconds));
        }

        rows.Sort(static (a, b) =>
        {
            int byName = string.CompareOrdinal(a.Key.Name, b.Key.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Key.Method, b.Key.Method);
        });

        var failures = new List<FailureStats>(_failures.Count);
        foreach (((int row, int error), long count) in _failures)
        {
            RowKey key = _recorder.GetRow(row);
            failures.Add(new FailureStats(key.Method, key.Name, _recorder.GetError(error), count));
        }

        failures.Sort(static (a, b) => b.Occurrences != a.Occurrences
            ? b.Occurrences.CompareTo(a.Occurrences)
            : string.CompareOrdinal(a.Name + a.Error, b.Name + b.Error));

        var errors = new List<UserErrorStats>(_userErrors.Count);
        foreach (((string source, string type, string message), (string stackTrace, long count)) in _userErrors)
        {
            errors.Add(new UserErrorStats(source, type, message, stackTrace, count));
        }

        errors.Sort(static (a, b) => b.Count.CompareTo(a.Count));

        return new StatsSnapshot
        {
            StartedAt = _startedAt,
            Timestamp = _startedAt + TimeSpan.FromSeconds(elapsedSeconds),
            Elapsed = TimeSpan.FromSeconds(elapsedSeconds),
            Users = Users,
            Rows = rows,
            Total = WithCurrentRates(_total.ToStats(TotalKey, elapsedSeconds, _frequency, includeHistograms) with { Llm = _llmTotal?.ToStats(elapsedSeconds) }, recent, recentSeconds),
            Failures = failures,
            Errors = errors,
            History = _history.View(),
            HistorySecondsOnDisk = _history.Spilled,
            HistoryBytesOnDisk = _history.SpilledBytes,
            Generator = _monitor.Current,
            Arrivals = ArrivalsAt(elapsedSeconds),
        };
    }

    private ArrivalStats? ArrivalsAt(double elapsedSeconds)
    {
        if (Arrivals is not { } counters)
        {
            return null;
        }

        double expected = counters.ExpectedUntil(elapsedSeconds);
        long started = counters.Started;
        return new ArrivalStats
        {
            TargetRate = counters.RateAt(elapsedSeconds),
            ExpectedIterations = Math.Round(expected, 3),
            DueIterations = counters.TotalDue,
            StartedIterations = started,
            DroppedIterations = counters.TotalDropped,
            AchievedRate = elapsedSeconds <= 0 ? 0 : started / elapsedSeconds,
            MeanTargetRate = elapsedSeconds <= 0 ? 0 : expected / elapsedSeconds,
            Users = counters.Users,
            BusyUsers = counters.Busy,
            MaxUsers = counters.MaxUsers,
        };
    }

    private void Fold(in RequestSample sample)
    {
        long latencyTicks = Math.Max(0, sample.End - sample.IntendedStart);
        long ttfbTicks = Math.Max(0, sample.FirstByte - sample.IntendedStart);
        long latencyMicros = ToMicros(latencyTicks);
        long ttfbMicros = ToMicros(ttfbTicks);

        long serviceTicks = Math.Max(0, sample.End - sample.Start);
        long lagTicks = Math.Max(0, sample.Start - sample.IntendedStart);
        long serviceMicros = ToMicros(serviceTicks);
        long lagMicros = ToMicros(lagTicks);

        RowAccumulator row = RowFor(sample.RowId);
        row.Add(in sample, latencyTicks, latencyMicros, ttfbTicks, ttfbMicros);
        row.AddDetail(in sample, serviceTicks, serviceMicros, lagTicks, lagMicros);
        _total.Add(in sample, latencyTicks, latencyMicros, ttfbTicks, ttfbMicros);
        _total.AddDetail(in sample, serviceTicks, serviceMicros, lagTicks, lagMicros);

        if (sample.IsFailure)
        {
            var key = (sample.RowId, sample.ErrorId);
            _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }

        // A sample that completes in a second already closed (it sat in a buffer past the grace
        // period) is counted in the oldest open second rather than lost.
        long second = Math.Max(_nextSecondToClose, Math.Max(0, sample.End - _startTimestamp) / _frequency);
        IntervalAccumulator interval = IntervalFor(second);
        RowAccumulator intervalRow = interval.Row(sample.RowId, this);
        intervalRow.Add(in sample, latencyTicks, latencyMicros, ttfbTicks, ttfbMicros);
        interval.Total.Add(in sample, latencyTicks, latencyMicros, ttfbTicks, ttfbMicros);
        // The arrivals of the run's first second compile the iteration's code: their lag is the run's, but no second
        // is judged on it, whenever they complete (a stream of several seconds completes seconds later).
        bool firstSecondArrival = sample.IntendedStart - _startTimestamp < _frequency;
        interval.Total.AddDetail(in sample, serviceTicks, serviceMicros, lagTicks, lagMicros, withLag: !firstSecondArrival);
        if (ExportsIntervals)
        {
            // The exported second keeps what the whole-run rows keep, so the seconds of every agent merge into them exactly.
            intervalRow.AddDetail(in sample, serviceTicks, serviceMicros, 0, 0);
            if (firstSecondArrival && sample.Scheduled)
            {
                interval.AddWarmLag(lagTicks, lagMicros);
            }

            if (sample.IsFailure)
            {
                var failure = (sample.RowId, sample.ErrorId);
                interval.Failures[failure] = interval.Failures.GetValueOrDefault(failure) + 1;
            }
        }
    }

    private void FoldLlm(LlmSample sample)
    {
        if (sample.ContentTimestamps.Count == 0)
        {
            return;
        }

        while (_llmRows.Count <= sample.RowId)
        {
            _llmRows.Add(null);
        }

        (_llmRows[sample.RowId] ??= new LlmAccumulator { Goodput = Goodput }).Add(sample, _toMicros);
        (_llmTotal ??= new LlmAccumulator { Goodput = Goodput }).Add(sample, _toMicros);

        // The second the stream ended in, as for its request.
        long second = Math.Max(_nextSecondToClose, Math.Max(0, sample.End - _startTimestamp) / _frequency);
        IntervalAccumulator interval = IntervalFor(second);
        interval.LlmRow(sample.RowId, this).Add(sample, _toMicros);
        (interval.LlmTotal ??= RentLlm()).Add(sample, _toMicros);
    }

    private LlmAccumulator RentLlm()
    {
        LlmAccumulator accumulator = _llmPool.TryPop(out LlmAccumulator? pooled) ? pooled : new LlmAccumulator();
        accumulator.Goodput = Goodput;
        return accumulator;
    }

    private long ToMicros(long ticks)
    {
        // Rounded to the nearest microsecond; ticks * 1e6 stays inside a long for a one-hour span at 1 GHz.
        long clamped = Math.Min(ticks, RowAccumulator.HighestTrackableMicros * (_frequency / 1_000_000 + 1));
        long micros = ((clamped * 1_000_000) + (_frequency / 2)) / _frequency;
        return Math.Min(micros, RowAccumulator.HighestTrackableMicros);
    }

    private RowAccumulator RowFor(int rowId)
    {
        while (_rows.Count <= rowId)
        {
            _rows.Add(null);
        }

        return _rows[rowId] ??= new RowAccumulator(trackTimeToFirstByte: true);
    }

    private IntervalAccumulator IntervalFor(long second)
    {
        if (!_open.TryGetValue(second, out IntervalAccumulator? interval))
        {
            interval = new IntervalAccumulator(_totalPool.TryPop(out RowAccumulator? total) ? total : new RowAccumulator(trackTimeToFirstByte: ExportsIntervals, trackLag: true));
            _open.Add(second, interval);
        }

        return interval;
    }

    private RowAccumulator Rent() => _pool.TryPop(out RowAccumulator? accumulator) ? accumulator : new RowAccumulator(trackTimeToFirstByte: ExportsIntervals);

    private void CloseInterval(long second, double durationSeconds)
    {
        IReadOnlyList<RowStats> rows = [];
        RowStats total;
        List<RowState>? exportRows = null;
        RowState? exportTotal = null;
        List<FailureCount>? exportFailures = null;
        if (_open.Remove(second, out IntervalAccumulator? interval))
        {
            if (ExportsIntervals)
            {
                (exportRows, exportTotal, exportFailures) = ExportOf(interval);
            }

            var list = new List<RowStats>(interval.Rows.Count);
            foreach ((int rowId, RowAccumulator accumulator) in interval.Rows)
            {
                RowStats stats = accumulator.ToStats(_recorder.GetRow(rowId), durationSeconds, _frequency, includeHistogram: true);
                if (interval.Llm.Remove(rowId, out LlmAccumulator? llm))
                {
                    stats = stats with { Llm = llm.ToStats(durationSeconds, includeHistograms: true) };
                    llm.Reset();
                    _llmPool.Push(llm);
                }

                list.Add(stats);
                accumulator.Reset();
                _pool.Push(accumulator);
            }

            // A stream recorded in a second its request was not (the request's sample sat in a buffer longer) is still counted, in its own row.
            foreach ((int rowId, LlmAccumulator llm) in interval.Llm)
            {
                list.Add(new RowStats { Key = _recorder.GetRow(rowId), Percentiles = EmptyPercentiles, Llm = llm.ToStats(durationSeconds, includeHistograms: true) });
                llm.Reset();
                _llmPool.Push(llm);
            }

            interval.Llm.Clear();

            list.Sort(static (a, b) => string.CompareOrdinal(a.Key.Name + "\0" + a.Key.Method, b.Key.Name + "\0" + b.Key.Method));
            rows = list;
            total = interval.Total.ToStats(TotalKey, durationSeconds, _frequency, includeHistogram: true);
            if (interval.LlmTotal is { } llmTotal)
            {
                total = total with { Llm = llmTotal.ToStats(durationSeconds, includeHistograms: true) };
                llmTotal.Reset();
                _llmPool.Push(llmTotal);
                interval.LlmTotal = null;
            }

            interval.Total.Reset();
            _totalPool.Push(interval.Total);
        }
        else
        {
            total = new RowStats { Key = TotalKey, Percentiles = EmptyPercentiles };
        }

        double? lagP99 = total.ScheduledRequests > 0 ? total.GetSchedulingLagPercentile(99) : null;
        MergedSecond? merged = MergesIntervals && _merged.Remove(second, out MergedSecond? m) ? m : null;
        (long due, long dropped) = merged is not null ? (merged.Due, merged.Dropped) : Arrivals?.InSecond(second) ?? (0, 0);
        // A sliver of an interval (the end of the run, holding the last in-flight requests) is not judged on
        // its lag: its "p99" is one or two requests, not a second of schedule. Its lag still counts in the run's.
        // A second is judged on the highest percentile of its lag that its arrivals support (Sampling.MinimumSamples):
        // p99 from 662 arrivals, p90 from 64, the median below that. A "p99" of 80 arrivals is their one latest
        // start, a hiccup of a millisecond's worth of them rather than a generator behind its schedule (and at
        // 2 arrivals a second the first one's start-up would be it); a p90 above the bound is a tenth of them late.
        // The arrivals of the run's first second are in no second's lag (see Fold), so second 0 has none to judge:
        // they run the iteration's code for the first time, compiling it (tens of ms on a 2-core machine), once.
        // Their latencies still count from their intended starts, and a generator that cannot keep the schedule
        // is late in the seconds after it too.
        double lagPercentile = JudgedLagPercentile(total.ScheduledRequests);
        double? judgedLag = total.ScheduledRequests > 0 ? total.GetSchedulingLagPercentile(lagPercentile) : null;
        bool judged = durationSeconds >= MinJudgedSeconds;
        bool bound = _monitor.JudgeSecond(second, judged ? judgedLag : null, string.Create(CultureInfo.InvariantCulture, $"p{lagPercentile}"));
        int users = _usersAtEnd.Remove(second, out int atEnd) ? atEnd : Users;
        if (merged is not null)
        {
            users = merged.Users;
        }

        if (ExportsIntervals)
        {
            _exported.Add(new IntervalState
            {
                Second = second,
                DurationSeconds = durationSeconds,
                Users = users,
                DueIterations = due,
                DroppedIterations = dropped,
                GeneratorBound = bound,
                Rows = exportRows ?? [],
                Total = exportTotal ?? RowState.EmptyTotal,
                Failures = exportFailures ?? [],
            });
        }

        _history.Add(new IntervalStats
        {
            Second = second,
            Start = _startedAt + TimeSpan.FromSeconds(second),
            DurationSeconds = durationSeconds,
            Users = users,
            Rows = rows,
            Total = total with { CurrentRequestsPerSecond = total.RequestsPerSecond, CurrentFailuresPerSecond = total.FailuresPerSecond },
            DueIterations = due,
            DroppedIterations = dropped,
            SchedulingLagP99Ms = lagP99,
            GeneratorBound = bound,
        });
        _nextSecondToClose = second + 1;
    }

    /// <summary>
    /// Agent: the seconds closed and the user errors raised since the last call, to send to the coordinator; each is
    /// handed out once.
    /// </summary>
    public AggregatorExport TakeExport()
    {
        var export = new AggregatorExport(
            [.. _exported],
            [.. _exportedErrors.Select(e => new UserErrorCount(e.Key.Source, e.Key.Type, e.Key.Message, e.Value.StackTrace, e.Value.Count))]);
        _exported.Clear();
        _exportedErrors.Clear();
        return export;
    }

    /// <summary>
    /// Coordinator: adds an agent's closed second to the whole-run rows and to that second's interval, which stays open
    /// until <see cref="MergeWatermark"/> passes it.
    /// </summary>
    /// <param name="state">The agent's second.</param>
    /// <param name="tickScale">This clock's ticks per tick of the agent's clock.</param>
    /// <exception cref="InvalidDataException">A histogram in <paramref name="state"/> is damaged.</exception>
    public void Merge(IntervalState state, double tickScale = 1)
    {
        ArgumentNullException.ThrowIfNull(state);

        // A second that closed already (an agent's data that came after every other agent's next seconds, which the
        // watermark rules out while the agent is in the run) is counted in the oldest open second, as a late sample is.
        long second = Math.Max(_nextSecondToClose, state.Second);
        if (!_merged.TryGetValue(second, out MergedSecond? merged))
        {
            merged = new MergedSecond();
            _merged.Add(second, merged);
        }

        merged.Users += state.Users;
        merged.Due += state.DueIterations;
        merged.Dropped += state.DroppedIterations;
        merged.Duration = Math.Max(merged.Duration, state.DurationSeconds);
        if (state.Rows.Count == 0 && state.Total.Count == 0 && state.Total.Llm is null)
        {
            // A second without requests: an interval of one machine's run has no histograms then either.
            return;
        }

        IntervalAccumulator interval = IntervalFor(second);
        foreach (RowState row in state.Rows)
        {
            int id = _recorder.GetRowId(row.Method, row.Name);
            if (row.Count > 0)
            {
                RowAccumulator.Merge(row, tickScale, RowFor(id), interval.Row(id, this));
            }

            if (row.Llm is { } llm)
            {
                while (_llmRows.Count <= id)
                {
                    _llmRows.Add(null);
                }

                (_llmRows[id] ??= new LlmAccumulator { Goodput = Goodput }).Merge(llm);
                interval.LlmRow(id, this).Merge(llm);
            }
        }

        RowAccumulator.Merge(state.Total, tickScale, _total, interval.Total);
        if (state.Total.Llm is { } llmTotal)
        {
            (_llmTotal ??= new LlmAccumulator { Goodput = Goodput }).Merge(llmTotal);
            (interval.LlmTotal ??= RentLlm()).Merge(llmTotal);
        }

        foreach (FailureCount failure in state.Failures)
        {
            var key = (_recorder.GetRowId(failure.Method, failure.Name), _recorder.GetErrorId(failure.Error));
            _failures[key] = _failures.GetValueOrDefault(key) + failure.Count;
        }
    }

    /// <summary>Coordinator: adds an agent's user errors (each counted once by its agent) to the run's.</summary>
    public void MergeErrors(IEnumerable<UserErrorCount> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (UserErrorCount error in errors)
        {
            var key = (error.Source, error.Type, error.Message);
            _userErrors[key] = _userErrors.TryGetValue(key, out var seen)
                ? (seen.StackTrace, seen.Count + error.Count)
                : (error.StackTrace, error.Count);
        }
    }

    /// <summary>A merged second's length: the longest any agent gave it (only the last second of a run is shorter than 1 s).</summary>
    private double MergedDuration(long second, double otherwise) =>
        MergesIntervals && _merged.TryGetValue(second, out MergedSecond? merged) && merged.Duration > 0 ? merged.Duration : otherwise;

    /// <summary>
    /// The percentile of a second's scheduling lag that judges it: the highest of p99, p90 and the median that
    /// <paramref name="scheduledRequests"/> samples support (<see cref="Analysis.Sampling.MinimumSamples"/>).
    /// </summary>
    internal static double JudgedLagPercentile(long scheduledRequests) =>
        Analysis.Sampling.HasEnough(scheduledRequests, 99) ? 99 : Analysis.Sampling.HasEnough(scheduledRequests, 90) ? 90 : 50;

    private static readonly IReadOnlyList<PercentileValue> EmptyPercentiles =
        [.. Percentiles.Standard.Select(p => new PercentileValue(p, 0))];

    private Dictionary<RowKey, (long Requests, long Failures)> RecentCounts(out double seconds)
    {
        var counts = new Dictionary<RowKey, (long, long)>();
        seconds = 0;
        int from = Math.Max(0, _history.Count - CurrentWindowSeconds);
        for (int i = from; i < _history.Count; i++)
        {
            IntervalStats interval = _history[i];
            seconds += interval.DurationSeconds;
            foreach (RowStats row in interval.Rows)
            {
                (long r, long f) = counts.GetValueOrDefault(row.Key);
                counts[row.Key] = (r + row.Requests, f + row.Failures);
            }

            (long tr, long tf) = counts.GetValueOrDefault(TotalKey);
            counts[TotalKey] = (tr + interval.Total.Requests, tf + interval.Total.Failures);
        }

        return counts;
    }

    private static RowStats WithCurrentRates(RowStats stats, Dictionary<RowKey, (long Requests, long Failures)> recent, double seconds)
    {
        if (seconds <= 0)
        {
            return stats with { CurrentRequestsPerSecond = stats.RequestsPerSecond, CurrentFailuresPerSecond = stats.FailuresPerSecond };
        }

        (long requests, long failures) = recent.GetValueOrDefault(stats.Key);
        return stats with { CurrentRequestsPerSecond = requests / seconds, CurrentFailuresPerSecond = failures / seconds };
    }

    private readonly struct Sink(MetricsAggregator owner) : ISampleSink
    {
        public void Accept(in RequestSample sample) => owner.Fold(in sample);
    }

    /// <summary>Exporting: the interval's rows, total and failures as an agent sends them (before they are reset).</summary>
    private (List<RowState> Rows, RowState Total, List<FailureCount> Failures) ExportOf(IntervalAccumulator interval)
    {
        var rows = new List<RowState>(interval.Rows.Count);
        foreach ((int rowId, RowAccumulator accumulator) in interval.Rows)
        {
            rows.Add(accumulator.ToState(_recorder.GetRow(rowId)) with { Llm = interval.Llm.GetValueOrDefault(rowId)?.ToState() });
        }

        foreach ((int rowId, LlmAccumulator llm) in interval.Llm)
        {
            if (!interval.Rows.ContainsKey(rowId))
            {
                RowKey key = _recorder.GetRow(rowId);
                rows.Add(RowState.EmptyTotal with { Method = key.Method, Name = key.Name, Lag = null, Llm = llm.ToState() });
            }
        }

        RowState total = interval.Total.ToState(TotalKey, interval.WarmLag, interval.WarmMaxLagTicks) with { Llm = interval.LlmTotal?.ToState() };
        var failures = new List<FailureCount>(interval.Failures.Count);
        foreach (((int row, int error), long count) in interval.Failures)
        {
            RowKey key = _recorder.GetRow(row);
            failures.Add(new FailureCount(key.Method, key.Name, _recorder.GetError(error), count));
        }

        return (rows, total, failures);
    }

    /// <summary>What the agents sent of one second, beyond its histograms.</summary>
    private sealed class MergedSecond
    {
        public int Users { get; set; }

        public long Due { get; set; }

        public long Dropped { get; set; }

        public double Duration { get; set; }
    }

    private sealed class IntervalAccumulator(RowAccumulator total)
    {
        public Dictionary<int, RowAccumulator> Rows { get; } = [];

        /// <summary>Exporting: the second's failures by (row, reason).</summary>
        public Dictionary<(int Row, int Error), long> Failures { get; } = [];

        /// <summary>Exporting: the lag of the run's first-second arrivals that completed this second (kept out of the judged lag).</summary>
        public HdrHistogram.LongHistogram? WarmLag { get; private set; }

        public long WarmMaxLagTicks { get; private set; }

        public void AddWarmLag(long lagTicks, long lagMicros)
        {
            WarmLag ??= new HdrHistogram.LongHistogram(1, RowAccumulator.HighestTrackableMicros, 3);
            WarmLag.RecordValue(lagMicros);
            WarmMaxLagTicks = Math.Max(WarmMaxLagTicks, lagTicks);
        }

        public Dictionary<int, LlmAccumulator> Llm { get; } = [];

        public LlmAccumulator? LlmTotal { get; set; }

        public LlmAccumulator LlmRow(int rowId, MetricsAggregator owner)
        {
            if (!Llm.TryGetValue(rowId, out LlmAccumulator? accumulator))
            {
                accumulator = owner.RentLlm();
                Llm.Add(rowId, accumulator);
            }

            return accumulator;
        }

        public RowAccumulator Total { get; } = total;

        public RowAccumulator Row(int rowId, MetricsAggregator owner)
        {
            if (!Rows.TryGetValue(rowId, out RowAccumulator? accumulator))
            {
                accumulator = owner.Rent();
                Rows.Add(rowId, accumulator);
            }

            return accumulator;
        }
    }
}
