using System.Globalization;
using Stampede.Monitoring.Prometheus;

namespace Stampede.Monitoring.Target;

/// <summary>
/// Turns one source's scrapes into values of recognised series: counters into per-second rates (a reset
/// restarts from the new value, as Prometheus's rate() does), gauges as read, histograms into a quantile of
/// each scrape interval, and the known exporters' series (node_exporter, process_*, DCGM, Triton, vLLM,
/// kube-state-metrics, the demo server) into their resource with its capacity. docs/bottleneck.md lists them.
/// </summary>
/// <remarks>One instance per source, called from that source's loop only.</remarks>
internal sealed partial class SeriesRecognizer
{
    private readonly ITargetSource _source;
    private readonly IReadOnlyList<SeriesMapping> _mappings;
    private readonly HostFacts _hosts;
    private readonly Action<string> _warn;
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private Dictionary<(string Sample, LabelSet Labels), double> _previous = [];
    private Dictionary<(string Sample, LabelSet Labels), double> _current = [];
    private double _previousAt = double.NaN;
    private double _dt;
    private List<Observation> _output = [];

    public SeriesRecognizer(ITargetSource source, IReadOnlyList<SeriesMapping> mappings, HostFacts hosts, Action<string> warn)
    {
        _source = source;
        _mappings = mappings;
        _hosts = hosts;
        _warn = warn;
    }

    /// <summary>The mappings (<c>--watch</c>) that matched a sample of this source at least once.</summary>
    public HashSet<SeriesMapping> MatchedMappings { get; } = [];

    /// <summary>Recognises the series of one scrape taken <paramref name="atSeconds"/> into the run.</summary>
    public IReadOnlyList<Observation> Recognize(Exposition exposition, double atSeconds)
    {
        _output = [];
        _current = new Dictionary<(string, LabelSet), double>(_previous.Count);
        _dt = double.IsNaN(_previousAt) ? double.NaN : atSeconds - _previousAt;
        if (_dt <= 0)
        {
            _dt = double.NaN;
        }

        NodeExporter(exposition);
        Process(exposition);
        Dcgm(exposition);
        Triton(exposition);
        Vllm(exposition);
        KubeStateMetrics(exposition);
        DemoServer(exposition);
        Mapped(exposition);

        _previous = _current;
        _previousAt = atSeconds;
        return _output;
    }

    private (double Cores, string Source)? HostCores => _hosts.Cores(_source.IsLocal ? "localhost" : _source.HostKey);

    private (double Bytes, string Source)? HostMemory => _hosts.Memory(_source.IsLocal ? "localhost" : _source.HostKey);

    private void Emit(Observation observation) => _output.Add(observation);

    /// <summary>A sample's value, or <see langword="null"/> (with one warning per series) when it is NaN or infinite.</summary>
    private double? Finite(in MetricSample sample)
    {
        if (double.IsFinite(sample.Value))
        {
            return sample.Value;
        }

        WarnOnce($"nan:{sample.Name}{sample.Labels}", $"{sample.Name}{sample.Labels} is {sample.Value.ToString(CultureInfo.InvariantCulture)}; its values are left out until it is a number again");
        return null;
    }

    /// <summary>The per-second rate of a counter sample since the previous scrape; <see langword="null"/> on the first scrape.</summary>
    private double? Rate(in MetricSample sample)
    {
        if (Finite(sample) is not { } value)
        {
            return null;
        }

        var key = (sample.Name, sample.Labels);
        _current[key] = value;
        if (double.IsNaN(_dt) || !_previous.TryGetValue(key, out double before))
        {
            return null;
        }

        double delta = value - before;
        if (delta < 0)
        {
            // A counter only falls when its process restarted: the new value is what it counted since.
            WarnOnce($"reset:{sample.Name}{sample.Labels}", string.Create(CultureInfo.InvariantCulture, $"counter {sample.Name}{sample.Labels} fell from {before} to {value} (a restart?): its rate restarts from the new value"));
            delta = value;
        }

        return delta / _dt;
    }

    /// <summary>Remembers a counter's value without a rate (the parts of a ratio or a histogram).</summary>
    private double? Delta(string sampleName, LabelSet labels, double value)
    {
        if (!double.IsFinite(value))
        {
            return null;
        }

        var key = (sampleName, labels);
        _current[key] = value;
        if (double.IsNaN(_dt) || !_previous.TryGetValue(key, out double before))
        {
            return null;
        }

        return value >= before ? value - before : value;
    }

    /// <summary>Quantile <paramref name="q"/> of each label set of a histogram over the last scrape interval, from its bucket deltas.</summary>
    private IEnumerable<(LabelSet Labels, double Value)> HistogramQuantiles(MetricFamily family, double q, Func<LabelSet, bool>? where = null)
    {
        var groups = new Dictionary<LabelSet, List<(double Le, double Count)>>();
        string bucket = family.Name + "_bucket";
        foreach (MetricSample sample in family.Samples)
        {
            if (!string.Equals(sample.Name, bucket, StringComparison.Ordinal) || sample.Labels.Get("le") is not { } leText)
            {
                continue;
            }

            LabelSet labels = sample.Labels.Without("le");
            if (where is not null && !where(labels))
            {
                continue;
            }

            double le = leText is "+Inf" or "Inf" ? double.PositiveInfinity : double.TryParse(leText, NumberStyles.Float, CultureInfo.InvariantCulture, out double bound) ? bound : double.NaN;
            if (double.IsNaN(le) || Delta(sample.Name, sample.Labels, sample.Value) is not { } delta)
            {
                continue;
            }

            if (!groups.TryGetValue(labels, out List<(double, double)>? list))
            {
                groups[labels] = list = [];
            }

            list.Add((le, delta));
        }

        foreach ((LabelSet labels, List<(double Le, double Count)> buckets) in groups)
        {
            buckets.Sort((a, b) => a.Le.CompareTo(b.Le));
            if (buckets.Count == 0 || buckets[^1].Count <= 0)
            {
                continue;
            }

            double value = HistogramQuantile.Estimate([.. buckets], q);
            if (double.IsFinite(value))
            {
                yield return (labels, value);
            }
        }
    }

    private void WarnOnce(string key, string message)
    {
        if (_warned.Add(key))
        {
            _warn(message);
        }
    }

    private static LabelSet Keep(LabelSet labels, params string[] names) =>
        new(labels.Pairs.Where(p => names.Contains(p.Key, StringComparer.Ordinal)));
}
