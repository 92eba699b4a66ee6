using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;

namespace Stampede.Monitoring;

/// <summary>
/// Samples the generator's process CPU once a second and raises a warning when it passes the
/// threshold, as Locust does, because latencies measured by a saturated generator include its own
/// queueing.
/// </summary>
internal sealed class GeneratorMonitor
{
    private const double MinimumWindowSeconds = 0.5;

    private readonly Func<TimeSpan> _cpuTime;
    private readonly int _processorCount;
    private readonly double _thresholdPercent;
    private ImmutableList<CpuSample> _samples = [];
    private readonly List<GeneratorWarning> _warnings = [];
    private TimeSpan _lastCpu;
    private TimeSpan _lastElapsed;
    private bool _above;
    private double _sum;
    private double _peak;

    public GeneratorMonitor(double thresholdPercent, Func<TimeSpan>? cpuTime = null, int? processorCount = null)
    {
        _thresholdPercent = thresholdPercent;
        _cpuTime = cpuTime ?? ProcessCpuTime;
        _processorCount = processorCount ?? Environment.ProcessorCount;
        _lastCpu = _cpuTime();
    }

    /// <summary>Raised (on the aggregator's thread) when a new warning is added.</summary>
    public event Action<GeneratorWarning>? WarningRaised;

    /// <summary>Takes one sample; <paramref name="elapsed"/> is the run time now, <paramref name="second"/> the second it closes.</summary>
    public void Sample(TimeSpan elapsed, long second)
    {
        TimeSpan cpu = _cpuTime();
        double wall = (elapsed - _lastElapsed).TotalSeconds;
        if (wall < MinimumWindowSeconds)
        {
            // A sliver of a second (the end of a run) gives a noisy ratio; it joins the next window.
            return;
        }

        double percent = Math.Clamp((cpu - _lastCpu).TotalSeconds / wall / _processorCount * 100, 0, 100);
        _lastCpu = cpu;
        _lastElapsed = elapsed;
        _samples = _samples.Add(new CpuSample(second, Math.Round(percent, 1)));
        _sum += percent;
        _peak = Math.Max(_peak, percent);

        if (percent > _thresholdPercent && !_above)
        {
            var warning = new GeneratorWarning(
                elapsed,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Generator CPU usage above {_thresholdPercent:0}% ({percent:0}% of {_processorCount} cores) at {elapsed:hh\\:mm\\:ss}: measured response times may include the generator's own queueing. Use fewer users per generator or more generator CPU."));
            _warnings.Add(warning);
            WarningRaised?.Invoke(warning);
        }

        _above = percent > _thresholdPercent;
    }

    public GeneratorHealth Current => new()
    {
        Cpu = _samples,
        PeakCpuPercent = Math.Round(_peak, 1),
        AverageCpuPercent = _samples.Count == 0 ? 0 : Math.Round(_sum / _samples.Count, 1),
        ProcessorCount = _processorCount,
        CpuWarningThresholdPercent = _thresholdPercent,
        Warnings = [.. _warnings],
    };

    private static TimeSpan ProcessCpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
