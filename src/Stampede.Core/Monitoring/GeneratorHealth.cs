namespace Stampede.Monitoring;

/// <summary>The load generator's own health over the run: when it is short of CPU, the latencies it measures include its own queueing.</summary>
public sealed record GeneratorHealth
{
    /// <summary>Process CPU, sampled once a second.</summary>
    public IReadOnlyList<CpuSample> Cpu { get; init; } = [];

    /// <summary>Highest sampled CPU, percent of all cores.</summary>
    public double PeakCpuPercent { get; init; }

    /// <summary>Mean of the samples, percent of all cores.</summary>
    public double AverageCpuPercent { get; init; }

    /// <summary>Cores the process may use (<see cref="Environment.ProcessorCount"/>).</summary>
    public int ProcessorCount { get; init; }

    /// <summary>The CPU level above which the run is flagged, percent of all cores.</summary>
    public double CpuWarningThresholdPercent { get; init; }

    /// <summary>Warnings raised during the run, in order.</summary>
    public IReadOnlyList<GeneratorWarning> Warnings { get; init; } = [];
}

/// <summary>The generator process's CPU over one second.</summary>
/// <param name="Second">Second of the run the sample closes (1 = the first full second).</param>
/// <param name="Percent">CPU time used divided by wall time and by the cores available, 0 to 100.</param>
public readonly record struct CpuSample(long Second, double Percent);

/// <summary>A warning about the generator itself.</summary>
/// <param name="At">Time since the run started.</param>
/// <param name="Message">What happened and why it matters.</param>
public sealed record GeneratorWarning(TimeSpan At, string Message);
