namespace Stampede.Reports;

/// <summary>The load generator's own health over the run.</summary>
internal sealed record RunDocumentGenerator
{
    /// <summary>Cores the process could use.</summary>
    public required int ProcessorCount { get; init; }

    /// <summary>CPU level above which the run was flagged, percent of all cores.</summary>
    public required double CpuWarningThresholdPercent { get; init; }

    /// <summary>Highest sampled CPU, percent of all cores.</summary>
    public required double PeakCpuPercent { get; init; }

    /// <summary>Mean of the samples, percent of all cores.</summary>
    public required double AverageCpuPercent { get; init; }

    /// <summary>Process CPU, one sample a second.</summary>
    public required IReadOnlyList<RunDocumentCpuSample> Cpu { get; init; }

    /// <summary>Warnings raised during the run, in order.</summary>
    public required IReadOnlyList<RunDocumentWarning> Warnings { get; init; }
}

/// <summary>The generator's CPU over one second.</summary>
internal sealed record RunDocumentCpuSample
{
    /// <summary>Second of the run the sample closes (1 = the first full second).</summary>
    public required long Second { get; init; }

    /// <summary>CPU time used divided by wall time and by the cores, 0 to 100.</summary>
    public required double Percent { get; init; }
}

/// <summary>A warning about the generator itself.</summary>
internal sealed record RunDocumentWarning
{
    /// <summary>Seconds since the start of the run.</summary>
    public required double AtSeconds { get; init; }

    /// <summary>What happened and why it matters.</summary>
    public required string Message { get; init; }
}
