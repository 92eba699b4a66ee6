using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;

namespace Stampede.Monitoring;

/// <summary>
/// Samples the generator's process once a second (CPU, GC pauses, thread-pool queue) and raises a
/// warning when CPU passes the threshold, as Locust does, because latencies measured by a saturated
/// generator include its own queueing.
/// </summary>
internal sealed class GeneratorMonitor : IGeneratorWatch
{
    private const double MinimumWindowSeconds = 0.5;

    /// <summary>
    /// GC pause within one second above which the run warns and the second counts as generator-bound, ms: every
    /// request in flight during a pause carries it, so a pause that long shows in the p99 of a busy run (and, with
    /// pauses in every second, in its p66). 5% of the second: the demo's generator, posting multi-megapixel images,
    /// has single seconds of 20-odd ms, which its p99 absorbs; 50 ms/s and more is a pause its numbers carry.
    /// </summary>
    /// <remarks>
    /// A process that runs other work beside the load (a test runner with many tests at once) pays for that work's
    /// collections too, which are not the generator's: it may raise the bound for the whole process with the
    /// <see cref="AppContext"/> data <see cref="GcPauseBoundKey"/> (a number of ms), set before the first run.
    /// </remarks>
    public static double GcPauseBoundMs { get; } = AppContext.GetData(GcPauseBoundKey) switch
    {
        double ms when ms > 0 => ms,
        string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms > 0 => ms,
        _ => DefaultGcPauseBoundMs,
    };

    /// <summary>The GC pause bound unless the process sets another: 50 ms in a second.</summary>
    public const double DefaultGcPauseBoundMs = 50;

    /// <summary>
    /// This process's garbage collector, as <see cref="GeneratorHealth.GcMode"/> names it: <c>server</c>, <c>server (DATAS)</c>
    /// when .NET's dynamic adaptation to application sizes is on (the .NET 9+ default, which scenario apps turn off:
    /// docs/gc.md), or <c>workstation</c>.
    /// </summary>
    public static string CurrentGcMode { get; } = !System.Runtime.GCSettings.IsServerGC ? "workstation" : DynamicAdaptation ? "server (DATAS)" : "server";

    /// <summary>Whether DATAS sizes this process's heap (GC setting <c>GCDynamicAdaptationMode</c>, from the runtime config or <c>DOTNET_GCDynamicAdaptationMode</c>).</summary>
    internal static bool DynamicAdaptation =>
        GC.GetConfigurationVariables().TryGetValue("GCDynamicAdaptationMode", out object? mode)
        && mode is IConvertible value && value.ToInt64(CultureInfo.InvariantCulture) != 0;

    /// <summary>What the long-pause warning suggests when this process's GC is not the one scenario apps default to.</summary>
    private static string GcAdvice => CurrentGcMode switch
    {
        "workstation" => " This generator runs the workstation GC: server GC pauses it far less (ServerGarbageCollection=true in the scenario app, or DOTNET_gcServer=1; docs/gc.md).",
        "server (DATAS)" => " This generator's server GC adapts its heap to the application's size (DATAS), which collects far more often: GarbageCollectionAdaptationMode=0 in the scenario app, or DOTNET_GCDynamicAdaptationMode=0 (docs/gc.md).",
        _ => "",
    };

    /// <summary>The <see cref="AppContext"/> data that sets <see cref="GcPauseBoundMs"/> for a process: <c>Stampede.GcPauseBoundMs</c>.</summary>
    public const string GcPauseBoundKey = "Stampede.GcPauseBoundMs";

    /// <summary>Scheduling lag within one second (its judged percentile) above which the generator counts as fallen behind, ms.</summary>
    public const double LagBoundMs = 5;

    private readonly Func<ProcessReading> _read;
    private readonly int _processorCount;
    private readonly double _thresholdPercent;
    private ImmutableList<GeneratorSample> _samples = [];
    private readonly List<GeneratorWarning> _warnings = [];
    private ProcessReading _last;
    private TimeSpan _lastElapsed;
    private bool _above;
    private bool _pausing;
    private double _sum;
    private double _peak;
    private TimeSpan _gcPause;
    private long? _boundSince;
    private int _boundSeconds;
    private readonly List<string> _boundReasons = [];
    private bool _lagging;
    private double _worstBoundPauseMs;

    public GeneratorMonitor(double thresholdPercent, Func<ProcessReading>? read = null, int? processorCount = null)
    {
        _thresholdPercent = thresholdPercent;
        _read = read ?? ReadProcess;
        _processorCount = processorCount ?? Environment.ProcessorCount;
        _last = _read();
    }

    /// <summary>Raised (on the aggregator's thread) when a new warning is added.</summary>
    public event Action<GeneratorWarning>? WarningRaised;

    /// <summary>Takes one sample; <paramref name="elapsed"/> is the run time now, <paramref name="second"/> the second it closes.</summary>
    public void Sample(TimeSpan elapsed, long second)
    {
        ProcessReading now = _read();
        double wall = (elapsed - _lastElapsed).TotalSeconds;
        if (wall < MinimumWindowSeconds)
        {
            // A sliver of a second (the end of a run) gives a noisy ratio; it joins the next window.
            return;
        }

        double percent = Math.Clamp((now.Cpu - _last.Cpu).TotalSeconds / wall / _processorCount * 100, 0, 100);
        double pauseMs = (now.GcPause - _last.GcPause).TotalMilliseconds;
        _samples = _samples.Add(new GeneratorSample(
            second,
            Math.Round(percent, 1),
            Math.Round(pauseMs, 3),
            now.Gen0 - _last.Gen0,
            now.Gen1 - _last.Gen1,
            now.Gen2 - _last.Gen2,
            now.ThreadPoolQueueLength,
            now.ThreadPoolThreads,
            now.HeapBytes));
        _gcPause += now.GcPause - _last.GcPause;
        _last = now;
        _lastElapsed = elapsed;
        _sum += percent;
        _peak = Math.Max(_peak, percent);

        if (pauseMs > GcPauseBoundMs && !_pausing)
        {
            Warn(new GeneratorWarning(
                elapsed,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The garbage collector paused the generator for {pauseMs:0} ms in the second before {elapsed:hh\\:mm\\:ss}: requests in flight then include the pause in their response time, and a second with more than {GcPauseBoundMs:0} ms of pauses counts as generator-bound.{GcAdvice}")));
        }

        _pausing = pauseMs > GcPauseBoundMs;
        if (percent > _thresholdPercent && !_above)
        {
            var warning = new GeneratorWarning(
                elapsed,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Generator CPU usage above {_thresholdPercent:0}% ({percent:0}% of {_processorCount} cores) at {elapsed:hh\\:mm\\:ss}: measured response times may include the generator's own queueing. Use fewer users per generator or more generator CPU."));
            Warn(warning);
        }

        _above = percent > _thresholdPercent;
    }

    /// <summary>
    /// Judges second <paramref name="second"/> (0-based) once its interval has closed: the generator was
    /// bound if its CPU passed the threshold during that second, the garbage collector paused it more than
    /// <see cref="GcPauseBoundMs"/> in it, or its scheduling lag (p99, p90 or the median, whichever its arrivals
    /// support: <paramref name="lagPercentile"/>) passed <see cref="LagBoundMs"/>. Warns the first time the lag does.
    /// </summary>
    /// <returns>Whether the generator was bound during the second.</returns>
    public bool JudgeSecond(long second, double? lagMs, string lagPercentile = "p99")
    {
        string? reason = null;
        if (lagMs is { } lag && lag > LagBoundMs)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"scheduling lag {lagPercentile} above {LagBoundMs:0} ms");
            if (!_lagging)
            {
                Warn(new GeneratorWarning(
                    TimeSpan.FromSeconds(second + 1),
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"The generator fell behind its schedule in second {second + 1}: requests were sent up to {lag:0.#} ms late ({lagPercentile}). Response times still count from the intended start, but the target saw less load than asked; use more --max-users, fewer iterations per second, or more generator CPU.")));
            }
        }

        _lagging = reason is not null;

        // CPU of second s is the sample that closes second s + 1 (samples are numbered from 1), or, when a long pause
        // held the sampler past that, the first one after it: it covers the end of second s.
        GeneratorSample? covering = null;
        for (int i = _samples.Count - 1; i >= 0 && _samples[i].Second >= second + 1; i--)
        {
            covering = _samples[i];
        }

        if (covering is { } sample)
        {
            if (sample.CpuPercent > _thresholdPercent)
            {
                reason = reason is null
                    ? string.Create(CultureInfo.InvariantCulture, $"CPU above {_thresholdPercent:0}%")
                    : string.Create(CultureInfo.InvariantCulture, $"{reason}, CPU above {_thresholdPercent:0}%");
            }

            if (sample.GcPauseMs > GcPauseBoundMs)
            {
                // The reason names the worst second's pauses; it replaces the one named before (see Bound).
                _worstBoundPauseMs = Math.Max(_worstBoundPauseMs, sample.GcPauseMs);
                string pause = GcReason(_worstBoundPauseMs);
                reason = reason is null ? pause : $"{reason}, {pause}";
            }
        }

        if (reason is null)
        {
            return false;
        }

        _boundSince ??= second;
        _boundSeconds++;
        foreach (string part in reason.Split(", "))
        {
            int gc = _boundReasons.FindIndex(r => r.StartsWith(GcReasonStart, StringComparison.Ordinal));
            if (part.StartsWith(GcReasonStart, StringComparison.Ordinal) && gc >= 0)
            {
                _boundReasons[gc] = part;
            }
            else if (!_boundReasons.Contains(part))
            {
                _boundReasons.Add(part);
            }
        }

        return true;
    }

    private const string GcReasonStart = "GC paused the generator";

    private static string GcReason(double worstMs) =>
        string.Create(CultureInfo.InvariantCulture, $"{GcReasonStart} up to {worstMs:0} ms/s (bound {GcPauseBoundMs:0} ms/s)");

    private void Warn(GeneratorWarning warning)
    {
        _warnings.Add(warning);
        WarningRaised?.Invoke(warning);
    }

    public GeneratorHealth Current => new()
    {
        Samples = _samples,
        TotalGcPauseMs = Math.Round(_gcPause.TotalMilliseconds, 3),
        PeakCpuPercent = Math.Round(_peak, 1),
        AverageCpuPercent = _samples.Count == 0 ? 0 : Math.Round(_sum / _samples.Count, 1),
        ProcessorCount = _processorCount,
        CpuWarningThresholdPercent = _thresholdPercent,
        Warnings = [.. _warnings],
        BoundSinceSecond = _boundSince,
        BoundSeconds = _boundSeconds,
        BoundReasons = [.. _boundReasons],
    };

    private static ProcessReading ReadProcess()
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessReading(
            process.TotalProcessorTime,
            GC.GetTotalPauseDuration(),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            ThreadPool.PendingWorkItemCount,
            ThreadPool.ThreadCount,
            GC.GetGCMemoryInfo().HeapSizeBytes);
    }
}
