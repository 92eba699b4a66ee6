namespace Stampede.Demo.Telemetry;

/// <summary>
/// A Prometheus-style histogram with fixed upper bounds (seconds). Thread-safe; one observation takes a short lock,
/// which is nothing beside the tens of milliseconds of the inference it measures.
/// </summary>
internal sealed class Histogram
{
    private readonly double[] _upperBounds;
    private readonly long[] _counts;
    private readonly Lock _gate = new();
    private double _sum;
    private long _count;

    public Histogram(double[] upperBounds)
    {
        _upperBounds = upperBounds;
        _counts = new long[upperBounds.Length + 1];
    }

    /// <summary>Bounds that double from <paramref name="start"/>: start, 2·start, 4·start… (<paramref name="count"/> of them).</summary>
    public static double[] ExponentialBounds(double start, int count)
    {
        var bounds = new double[count];
        for (var i = 0; i < count; i++)
        {
            bounds[i] = start * Math.Pow(2, i);
        }

        return bounds;
    }

    public void Observe(double value)
    {
        var bucket = 0;
        while (bucket < _upperBounds.Length && value > _upperBounds[bucket])
        {
            bucket++;
        }

        lock (_gate)
        {
            _counts[bucket]++;
            _sum += value;
            _count++;
        }
    }

    public HistogramSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new HistogramSnapshot(_upperBounds, (long[])_counts.Clone(), _sum, _count);
        }
    }
}
