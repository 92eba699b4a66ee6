namespace Stampede.Monitoring;

/// <summary>The load generator's own health over the run: when it is short of CPU, the latencies it measures include its own queueing.</summary>
public sealed record GeneratorHealth
{
    /// <summary>The process's CPU, GC and thread pool, sampled once a second.</summary>
    public IReadOnlyList<GeneratorSample> Samples { get; init; } = [];

    /// <summary>Highest sampled CPU, percent of all cores.</summary>
    public double PeakCpuPercent { get; init; }

    /// <summary>Mean of the samples, percent of all cores.</summary>
    public double AverageCpuPercent { get; init; }

    /// <summary>Time the garbage collector paused the process over the run, ms.</summary>
    public double TotalGcPauseMs { get; init; }

    /// <summary>Cores the process may use (<see cref="Environment.ProcessorCount"/>).</summary>
    public int ProcessorCount { get; init; }

    /// <summary>The process's garbage collector: <c>server</c> or <c>workstation</c> (<see cref="System.Runtime.GCSettings.IsServerGC"/>).</summary>
    public string GcMode { get; init; } = GeneratorMonitor.CurrentGcMode;

    /// <summary>The CPU level above which the run is flagged, percent of all cores.</summary>
    public double CpuWarningThresholdPercent { get; init; }

    /// <summary>Warnings raised during the run, in order.</summary>
    public IReadOnlyList<GeneratorWarning> Warnings { get; init; } = [];

    /// <summary>
    /// The first second (0-based, as <see cref="Metrics.IntervalStats.Second"/>) in which the generator
    /// was bound (CPU above the threshold, GC pauses or a late schedule); <see langword="null"/> if never.
    /// </summary>
    public long? BoundSinceSecond { get; init; }

    /// <summary>How many seconds the generator was bound.</summary>
    public int BoundSeconds { get; init; }

    /// <summary>Why it was bound: <c>CPU above 90%</c>, <c>scheduling lag p99 above 5 ms</c>.</summary>
    public IReadOnlyList<string> BoundReasons { get; init; } = [];

    /// <summary>Whether the generator was bound at any time: its measurements are then suspect.</summary>
    public bool IsBound => BoundSinceSecond is not null;
}

/// <summary>The generator process over one second.</summary>
/// <param name="Second">Second of the run the sample closes (1 = the first full second).</param>
/// <param name="CpuPercent">CPU time used divided by wall time and by the cores available, 0 to 100.</param>
/// <param name="GcPauseMs">Time the garbage collector paused the process during the second, ms.</param>
/// <param name="Gen0Collections">Generation-0 collections during the second.</param>
/// <param name="Gen1Collections">Generation-1 collections during the second.</param>
/// <param name="Gen2Collections">Generation-2 (full) collections during the second.</param>
/// <param name="ThreadPoolQueueLength">Work items waiting for a thread-pool thread when sampled: a long queue means continuations (and so timestamps) run late.</param>
/// <param name="ThreadPoolThreads">Thread-pool threads when sampled.</param>
/// <param name="HeapBytes">The managed heap after the latest collection, bytes: flat over a long run unless something is kept.</param>
public readonly record struct GeneratorSample(
    long Second,
    double CpuPercent,
    double GcPauseMs,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    long ThreadPoolQueueLength,
    int ThreadPoolThreads,
    long HeapBytes = 0);

/// <summary>Cumulative counters of the process, read once a second.</summary>
/// <param name="Cpu">CPU time used since the process started.</param>
/// <param name="GcPause">Time paused by the garbage collector since the process started.</param>
/// <param name="Gen0">Generation-0 collections so far.</param>
/// <param name="Gen1">Generation-1 collections so far.</param>
/// <param name="Gen2">Generation-2 collections so far.</param>
/// <param name="ThreadPoolQueueLength">Work items waiting now.</param>
/// <param name="ThreadPoolThreads">Thread-pool threads now.</param>
/// <param name="HeapBytes">The managed heap after the latest collection.</param>
internal readonly record struct ProcessReading(TimeSpan Cpu, TimeSpan GcPause, int Gen0, int Gen1, int Gen2, long ThreadPoolQueueLength, int ThreadPoolThreads, long HeapBytes = 0);

/// <summary>A warning about the generator itself.</summary>
/// <param name="At">Time since the run started.</param>
/// <param name="Message">What happened and why it matters.</param>
public sealed record GeneratorWarning(TimeSpan At, string Message);
