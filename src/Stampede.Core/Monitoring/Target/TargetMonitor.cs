using System.Collections.Immutable;
using System.Globalization;
using Stampede.Load;
using Stampede.Monitoring.Prometheus;
using Stampede.Security;

namespace Stampede.Monitoring.Target;

/// <summary>
/// Watches the system under test while the load runs: reads every source each interval on its own task
/// (with its own connection, never the users'), recognises the series, and keeps one value per series per
/// second of the run. Failures are counted and warned about, never fatal.
/// </summary>
/// <remarks>
/// A value read at time t of the run belongs to second round(t) − 1: the scrape at the end of second s
/// describes it, as the history's user count at the end of its interval does. The first read, at the start,
/// only gives the counters a base for their rates.
/// </remarks>
internal sealed class TargetMonitor : IAsyncDisposable
{
    /// <summary>Warnings kept per source: a broken exporter must not fill the report.</summary>
    private const int MaxWarningsPerSource = 20;

    private readonly IReadOnlyList<ITargetSource> _sources;
    private readonly IReadOnlyList<SeriesMapping> _mappings;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly HostFacts _hosts;
    private readonly Lock _lock = new();
    private readonly SourceState[] _states;
    private readonly Dictionary<(string Source, string Name, LabelSet Labels, string Kind), Track> _tracks = [];
    private readonly List<Track> _order = [];
    private ImmutableList<TargetWarning> _warnings = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private bool _mappingsChecked;
    private long _start;

    public TargetMonitor(IReadOnlyList<ITargetSource> sources, IReadOnlyList<SeriesMapping> mappings, TimeSpan interval, TimeProvider time, HostFacts? hosts = null)
    {
        _sources = sources;
        _mappings = mappings;
        _interval = interval;
        _time = time;
        _hosts = hosts ?? new HostFacts();
        _states = [.. sources.Select(s => new SourceState(s))];
        foreach (SourceState state in _states)
        {
            state.Recognizer = new SeriesRecognizer(state.Source, mappings, _hosts, message => Warn(state, message));
        }
    }

    /// <summary>The monitor of <paramref name="options"/>' sources; <see langword="null"/> when nothing is watched.</summary>
    public static TargetMonitor? Create(LoadTestOptions options, TimeProvider time)
    {
        if (options.MetricsEndpoints.Count == 0 && options.WatchPids.Count == 0)
        {
            return null;
        }

        var sources = new List<ITargetSource>();
        sources.AddRange(options.MetricsEndpoints.Select(e => new PrometheusSource(e, options.MetricsTimeout)));
        sources.AddRange(options.WatchPids.Distinct().Select(p => new ProcessSource(p)));
        if (OperatingSystem.IsLinux() && (options.WatchPids.Count > 0 || options.MetricsEndpoints.Any(e => e.Url.IsLoopback)))
        {
            sources.Add(new HostSource());
        }

        // --expect-scale's series is kept whether or not a built-in rule knows it, and warned about when no source exposes it.
        SeriesMapping? scale = options.Autoscaling?.Mapping;
        IReadOnlyList<SeriesMapping> mappings = scale is null ? options.Watches : [.. options.Watches, scale];
        return new TargetMonitor(sources, mappings, options.MetricsInterval, time) { ExpectScale = scale };
    }

    /// <summary>The mapping that <c>--expect-scale</c> added, so its warning names that flag; <see langword="null"/> without one.</summary>
    public SeriesMapping? ExpectScale { get; init; }

    /// <summary>Raised (on a source's task) for each new warning.</summary>
    public event Action<TargetWarning>? WarningRaised;

    /// <summary>Starts reading every source, the run's clock starting at <paramref name="startTimestamp"/>.</summary>
    public void Start(long startTimestamp)
    {
        _start = startTimestamp;
        foreach (SourceState state in _states)
        {
            _loops.Add(Task.Run(() => LoopAsync(state, _stop.Token)));
        }
    }

    /// <summary>Stops reading; what was read stays in <see cref="Current"/>.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    /// <summary>Everything read so far.</summary>
    public TargetSnapshot Current
    {
        get
        {
            lock (_lock)
            {
                return new TargetSnapshot
                {
                    IntervalSeconds = _interval.TotalSeconds,
                    Sources = [.. _states.Select(s => s.ToStats())],
                    Series = [.. _order.Select(t => t.ToSeries())],
                    Warnings = _warnings,
                };
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync().ConfigureAwait(false);
        }

        foreach (ITargetSource source in _sources)
        {
            source.Dispose();
        }

        _stop.Dispose();
    }

    /// <summary>Reads a source once now, at <paramref name="atSeconds"/> into the run (what a loop tick does; tests call it directly).</summary>
    internal async Task ReadOnceAsync(int sourceIndex, double atSeconds, CancellationToken cancellationToken)
    {
        SourceState state = _states[sourceIndex];
        long before = _time.GetTimestamp();
        SourceReading reading = await state.Source.ReadAsync(cancellationToken).ConfigureAwait(false);
        double ms = _time.GetElapsedTime(before).TotalMilliseconds;
        Record(state, reading, atSeconds, ms);
    }

    private async Task LoopAsync(SourceState state, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            do
            {
                long before = _time.GetTimestamp();
                SourceReading reading = await state.Source.ReadAsync(cancellationToken).ConfigureAwait(false);
                long after = _time.GetTimestamp();
                double at = _time.GetElapsedTime(_start, before + ((after - before) / 2)).TotalSeconds;
                Record(state, reading, at, _time.GetElapsedTime(before, after).TotalMilliseconds);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
#pragma warning disable CA1031 // A bug in reading one source must not end the run or the other sources; it is reported as a warning.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Warn(state, $"stopped reading this source after an unexpected error: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Record(SourceState state, SourceReading reading, double atSeconds, double elapsedMs)
    {
        IReadOnlyList<Observation> observations = [];
        if (reading.Exposition is { } exposition && reading.Error is null)
        {
            observations = state.Recognizer.Recognize(exposition, atSeconds);
        }

        lock (_lock)
        {
            state.Scrapes++;
            if (reading.Error is { } error)
            {
                state.Failures++;
                state.Timeouts += reading.TimedOut ? 1 : 0;
                state.LastError = Secrets.Redact(error);
                state.Up = false;
                if (state.FailureStreak++ == 0 || !string.Equals(state.LastWarnedError, error, StringComparison.Ordinal))
                {
                    state.LastWarnedError = error;
                    WarnLocked(state, $"scrape failed: {error}; the run goes on without it (failures are counted)", atSeconds);
                }

                return;
            }

            if (state.FailureStreak > 0)
            {
                WarnLocked(state, string.Create(CultureInfo.InvariantCulture, $"answers again after {state.FailureStreak} failed scrapes"), atSeconds);
            }

            state.FailureStreak = 0;
            state.LastWarnedError = null;
            state.Up = true;
            state.Successes++;
            state.TotalMs += elapsedMs;
            state.SamplesSeen = reading.Exposition!.SampleCount;
            foreach (ExpositionWarning warning in reading.Exposition.Warnings)
            {
                string message = string.Create(CultureInfo.InvariantCulture, $"malformed exposition at line {warning.Line}: {warning.Message}");
                if (state.ParseWarnings.Add(message))
                {
                    WarnLocked(state, message, atSeconds);
                }
            }

            int second = (int)Math.Round(atSeconds, MidpointRounding.AwayFromZero) - 1;
            if (second >= 0)
            {
                foreach (Observation o in observations)
                {
                    var key = (state.Source.Name, o.Name, o.Labels, o.Kind);
                    if (!_tracks.TryGetValue(key, out Track? track))
                    {
                        _tracks[key] = track = new Track(state.Source.Name, o);
                        _order.Add(track);
                    }

                    track.Set(second, o);
                }
            }

            CheckMappingsLocked(atSeconds);
        }
    }

    /// <summary>Once every source has answered (or failed) a few times, says which <c>--watch</c> mapping matched nothing.</summary>
    private void CheckMappingsLocked(double atSeconds)
    {
        if (_mappingsChecked || _mappings.Count == 0 || _states.Any(s => s.Scrapes < 3 && s.Successes == 0))
        {
            return;
        }

        _mappingsChecked = true;
        foreach (SeriesMapping mapping in _mappings)
        {
            if (!_states.Any(s => s.Recognizer.MatchedMappings.Contains(mapping)))
            {
                string sources = string.Join(", ", _states.Where(s => s.Source.Kind == "prometheus").Select(s => s.Source.Name));
                string flag = ReferenceEquals(mapping, ExpectScale) ? $"--expect-scale {mapping.ToString()["replicas=".Length..]}" : $"--watch {mapping}";
                WarnLocked(_states[0], $"{flag}: no source exposes {mapping.Metric}{(mapping.Labels.Count > 0 ? " with those labels" : string.Empty)} (scraped: {(sources.Length == 0 ? "none; add --metrics-url" : sources)}); check the name with curl on the metrics URL", atSeconds);
            }
        }
    }

    private void Warn(SourceState state, string message)
    {
        lock (_lock)
        {
            WarnLocked(state, message, _start == 0 ? 0 : _time.GetElapsedTime(_start).TotalSeconds);
        }
    }

    private void WarnLocked(SourceState state, string message, double atSeconds)
    {
        if (state.Warnings >= MaxWarningsPerSource)
        {
            return;
        }

        state.Warnings++;
        string text = state.Warnings == MaxWarningsPerSource ? $"{message} (no more warnings are kept for this source)" : message;
        var warning = new TargetWarning(TimeSpan.FromSeconds(Math.Max(0, atSeconds)), state.Source.Name, Secrets.Redact($"{state.Source.Name} ({state.Source.Address}): {text}"));
        _warnings = _warnings.Add(warning);
        WarningRaised?.Invoke(warning);
    }

    private sealed class SourceState(ITargetSource source)
    {
        public ITargetSource Source { get; } = source;

        public SeriesRecognizer Recognizer { get; set; } = null!;

        public long Scrapes { get; set; }

        public long Successes { get; set; }

        public long Failures { get; set; }

        public long Timeouts { get; set; }

        public string? LastError { get; set; }

        public string? LastWarnedError { get; set; }

        public int FailureStreak { get; set; }

        public int SamplesSeen { get; set; }

        public double TotalMs { get; set; }

        public bool Up { get; set; }

        public int Warnings { get; set; }

        public HashSet<string> ParseWarnings { get; } = new(StringComparer.Ordinal);

        public TargetSourceStats ToStats() => new()
        {
            Name = Source.Name,
            Address = Source.Address,
            Kind = Source.Kind,
            Scrapes = Scrapes,
            Failures = Failures,
            Timeouts = Timeouts,
            LastError = LastError,
            SamplesSeen = SamplesSeen,
            MeanScrapeMs = Successes == 0 ? 0 : TotalMs / Successes,
            Up = Up,
        };
    }

    private sealed class Track(string source, Observation first)
    {
        private readonly Observation _meta = first;
        private ImmutableList<double?> _values = [];
        private ImmutableList<double?>? _capacities;
        private double? _capacity = first.Capacity;
        private string? _capacitySource = first.CapacitySource;

        public void Set(int second, Observation o)
        {
            _values = Put(_values, second, o.Value);
            if (o.Capacity is { } c)
            {
                _capacity = c;
                _capacitySource = o.CapacitySource;
            }

            if (o.CapacityVaries)
            {
                _capacities = Put(_capacities ?? [], second, o.Capacity);
            }
        }

        public TargetSeries ToSeries() => new()
        {
            Source = source,
            Name = _meta.Name,
            Labels = _meta.Labels.Pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Resource = _meta.Resource,
            Unit = _meta.Unit,
            Kind = _meta.Kind,
            Description = _meta.Description,
            Capacity = _capacity,
            CapacitySource = _capacitySource,
            Values = _values,
            // A second without a read (null) is a gap, not a change of capacity.
            Capacities = _capacities is { } c && c.Where(v => v is not null).Distinct().Count() > 1 ? c : null,
        };

        private static ImmutableList<double?> Put(ImmutableList<double?> list, int index, double? value)
        {
            if (index < list.Count)
            {
                return list.SetItem(index, value);
            }

            ImmutableList<double?>.Builder builder = list.ToBuilder();
            while (builder.Count < index)
            {
                builder.Add(null);
            }

            builder.Add(value);
            return builder.ToImmutable();
        }
    }
}
