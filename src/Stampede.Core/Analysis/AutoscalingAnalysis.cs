namespace Stampede.Analysis;

/// <summary>
/// Whether the system under test scaled out in time for a spike of load, with the evidence: when the spike came,
/// when the replicas rose, when every threshold held again and for how long (docs/autoscaling.md defines each field).
/// </summary>
/// <remarks>
/// Every second here is a second of the run's history (0-based, the index of <c>history[]</c>); every duration is a
/// whole number of seconds measured between those seconds' starts, so the values are exact to within the one-second
/// resolution of the history and of the scrapes (±1 s).
/// </remarks>
public sealed record AutoscalingAnalysis
{
    /// <summary><c>PASS</c> (recovered within <see cref="MaxRecoverySeconds"/>) or <c>FAIL</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>Why, in one sentence: "recovered 12 s after the spike, within --max-recovery 60 s", "the series never rose above 1".</summary>
    public required string Reason { get; init; }

    /// <summary>Every reason the verdict failed, in the order checked; empty on PASS.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>Whether <see cref="Verdict"/> is <c>PASS</c>.</summary>
    public bool Passed => Verdict == AutoscalingAnalyzer.Pass;

    /// <summary>The series watched (<see cref="AutoscalingOptions.Series"/>), as given.</summary>
    public required string Series { get; init; }

    /// <summary>The series that matched it, with all its labels; <see langword="null"/> when no source exposed it.</summary>
    public string? MatchedSeries { get; init; }

    /// <summary>The source it was read from; <see langword="null"/> when no source exposed it.</summary>
    public string? Source { get; init; }

    /// <summary>The unit of the replica counts (<c>replicas</c>, <c>workers</c>).</summary>
    public string? Unit { get; init; }

    /// <summary>The thresholds that define recovery, as written.</summary>
    public IReadOnlyList<string> Thresholds { get; init; } = [];

    /// <summary><see cref="AutoscalingOptions.StableFor"/>, s.</summary>
    public required int StableForSeconds { get; init; }

    /// <summary><see cref="AutoscalingOptions.MaxRecovery"/>, s.</summary>
    public required int MaxRecoverySeconds { get; init; }

    /// <summary>The first second of the spike: the first second at or past the middle of a rise of 50% or more within 2 s from a steady load; <see langword="null"/> without one.</summary>
    public int? SpikeAtSecond { get; init; }

    /// <summary><c>users</c> (closed model) or <c>iterations/s</c> (open model, the target rate): the unit of the offered loads.</summary>
    public required string OfferedUnit { get; init; }

    /// <summary>The steady offered load before the spike, in <see cref="OfferedUnit"/>.</summary>
    public double? OfferedBefore { get; init; }

    /// <summary>The offered load the spike reached within 2 s, in <see cref="OfferedUnit"/>.</summary>
    public double? OfferedAtSpike { get; init; }

    /// <summary>Spike start → the first second in which the series read more than <see cref="ReplicasBefore"/>, s; <see langword="null"/> when it never rose.</summary>
    public int? ScaleOutSeconds { get; init; }

    /// <summary>
    /// Spike start → the start of the first window of <see cref="StableForSeconds"/> seconds, under the spike's load, in which every
    /// threshold held on each second's own requests, s; 0 when they never broke; <see langword="null"/> when no such window came.
    /// </summary>
    public int? RecoverySeconds { get; init; }

    /// <summary>The highest per-second p95 of all requests while the spike's load lasted, ms.</summary>
    public double? PeakP95Ms { get; init; }

    /// <summary>Requests that failed from the spike's start to the recovery (to the end of the spike's load when it never recovered).</summary>
    public long ErrorsDuringSpike { get; init; }

    /// <summary>The last value of the series read before the spike (the first one read, when none came before it).</summary>
    public double? ReplicasBefore { get; init; }

    /// <summary>The highest value of the series from the spike on.</summary>
    public double? ReplicasMax { get; init; }

    /// <summary>The last value of the series read in the run.</summary>
    public double? ReplicasAfter { get; init; }

    /// <summary>The first second after the spike at which the offered load fell back below the middle of the spike's rise; <see langword="null"/> when it did not fall.</summary>
    public int? LoadDropAtSecond { get; init; }

    /// <summary>Load drop → the first second in which the series read less than just before the drop, s; <see langword="null"/> without a drop or without a fall.</summary>
    public int? ScaleInSeconds { get; init; }
}
