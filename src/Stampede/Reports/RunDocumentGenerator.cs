namespace Stampede.Reports;

/// <summary>The load generator's own health over the run.</summary>
internal sealed record RunDocumentGenerator
{
    /// <summary>Cores the process could use.</summary>
    public required int ProcessorCount { get; init; }

    /// <summary>The generator's garbage collector: <c>server</c> or <c>workstation</c>; null in documents written before it was recorded.</summary>
    public string? GcMode { get; init; }

    /// <summary>CPU level above which the run was flagged, percent of all cores.</summary>
    public required double CpuWarningThresholdPercent { get; init; }

    /// <summary>Highest sampled CPU, percent of all cores.</summary>
    public required double PeakCpuPercent { get; init; }

    /// <summary>Mean of the samples, percent of all cores.</summary>
    public required double AverageCpuPercent { get; init; }

    /// <summary>Time the garbage collector paused the process over the run, ms.</summary>
    public required double TotalGcPauseMs { get; init; }

    /// <summary>The process's CPU, GC and thread pool, one sample a second.</summary>
    public required IReadOnlyList<RunDocumentGeneratorSample> Samples { get; init; }

    /// <summary>Warnings raised during the run, in order.</summary>
    public required IReadOnlyList<RunDocumentWarning> Warnings { get; init; }

    /// <summary>First second (0-based) in which the generator was bound; null if never.</summary>
    public long? BoundSinceSecond { get; init; }

    /// <summary>Seconds in which the generator was bound.</summary>
    public int BoundSeconds { get; init; }

    /// <summary>Why it was bound.</summary>
    public IReadOnlyList<string>? BoundReasons { get; init; }

    /// <summary>Seconds of the history the generator kept on disk rather than in memory (<c>--history-in-memory</c>).</summary>
    public int HistorySecondsOnDisk { get; init; }

    /// <summary>Bytes those seconds took in the temp folder's spill file.</summary>
    public long HistoryBytesOnDisk { get; init; }
}

/// <summary>The generator process over one second.</summary>
internal sealed record RunDocumentGeneratorSample
{
    /// <summary>Second of the run the sample closes (1 = the first full second).</summary>
    public required long Second { get; init; }

    /// <summary>CPU time used divided by wall time and by the cores, 0 to 100.</summary>
    public required double CpuPercent { get; init; }

    /// <summary>GC pause time during the second, ms.</summary>
    public required double GcPauseMs { get; init; }

    /// <summary>Generation-0 collections during the second.</summary>
    public required int Gen0Collections { get; init; }

    /// <summary>Generation-1 collections during the second.</summary>
    public required int Gen1Collections { get; init; }

    /// <summary>Generation-2 collections during the second.</summary>
    public required int Gen2Collections { get; init; }

    /// <summary>Thread-pool work items waiting when sampled.</summary>
    public required long ThreadPoolQueueLength { get; init; }

    /// <summary>Thread-pool threads when sampled.</summary>
    public required int ThreadPoolThreads { get; init; }

    /// <summary>The managed heap after the latest collection, bytes; 0 in documents from before it was sampled.</summary>
    public long HeapBytes { get; init; }
}

/// <summary>A warning about the generator itself.</summary>
internal sealed record RunDocumentWarning
{
    /// <summary>Seconds since the start of the run.</summary>
    public required double AtSeconds { get; init; }

    /// <summary>What happened and why it matters.</summary>
    public required string Message { get; init; }
}
