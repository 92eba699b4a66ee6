using Stampede.Analysis;

namespace Stampede.Reports;

/// <summary>The autoscaling verdict and its evidence (<c>analysis.autoscaling</c>; see <see cref="AutoscalingAnalysis"/> and docs/autoscaling.md).</summary>
internal sealed record RunDocumentAutoscaling
{
    /// <summary><c>PASS</c> or <c>FAIL</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>Why, in one sentence.</summary>
    public required string Reason { get; init; }

    /// <summary>Every reason it failed; empty on PASS.</summary>
    public required IReadOnlyList<string> Failures { get; init; }

    /// <summary>The series asked for (<c>--expect-scale</c>).</summary>
    public required string Series { get; init; }

    /// <summary>The series that matched, with all its labels; null when no source exposed it.</summary>
    public string? MatchedSeries { get; init; }

    /// <summary>The source it was read from; null when none exposed it.</summary>
    public string? Source { get; init; }

    /// <summary>The unit of the replica counts.</summary>
    public string? Unit { get; init; }

    /// <summary>The thresholds that define recovery.</summary>
    public required IReadOnlyList<string> Thresholds { get; init; }

    /// <summary><c>--stable-for</c>, s.</summary>
    public required int StableForSeconds { get; init; }

    /// <summary><c>--max-recovery</c>, s.</summary>
    public required int MaxRecoverySeconds { get; init; }

    /// <summary>The history second the spike starts in; null without a spike.</summary>
    public int? SpikeAtSecond { get; init; }

    /// <summary><c>users</c> or <c>iterations/s</c>.</summary>
    public required string OfferedUnit { get; init; }

    /// <summary>The steady offered load before the spike.</summary>
    public double? OfferedBefore { get; init; }

    /// <summary>The offered load the spike reached.</summary>
    public double? OfferedAtSpike { get; init; }

    /// <summary>Spike start → first rise of the series, s.</summary>
    public int? ScaleOutSeconds { get; init; }

    /// <summary>Spike start → start of the first stable window, s.</summary>
    public int? RecoverySeconds { get; init; }

    /// <summary>The highest per-second p95 while the spike's load lasted, ms.</summary>
    public double? PeakP95Ms { get; init; }

    /// <summary>Requests failed from the spike's start to the recovery.</summary>
    public required long ErrorsDuringSpike { get; init; }

    /// <summary>The series' last value before the spike.</summary>
    public double? ReplicasBefore { get; init; }

    /// <summary>The series' highest value from the spike on.</summary>
    public double? ReplicasMax { get; init; }

    /// <summary>The series' last value in the run.</summary>
    public double? ReplicasAfter { get; init; }

    /// <summary>The history second the load fell back; null when it did not.</summary>
    public int? LoadDropAtSecond { get; init; }

    /// <summary>Load drop → first fall of the series, s.</summary>
    public int? ScaleInSeconds { get; init; }

    /// <summary>The document form of <paramref name="a"/>.</summary>
    public static RunDocumentAutoscaling From(AutoscalingAnalysis a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new RunDocumentAutoscaling
        {
            Verdict = a.Verdict,
            Reason = a.Reason,
            Failures = [.. a.Failures],
            Series = a.Series,
            MatchedSeries = a.MatchedSeries,
            Source = a.Source,
            Unit = a.Unit,
            Thresholds = [.. a.Thresholds],
            StableForSeconds = a.StableForSeconds,
            MaxRecoverySeconds = a.MaxRecoverySeconds,
            SpikeAtSecond = a.SpikeAtSecond,
            OfferedUnit = a.OfferedUnit,
            OfferedBefore = a.OfferedBefore,
            OfferedAtSpike = a.OfferedAtSpike,
            ScaleOutSeconds = a.ScaleOutSeconds,
            RecoverySeconds = a.RecoverySeconds,
            PeakP95Ms = a.PeakP95Ms,
            ErrorsDuringSpike = a.ErrorsDuringSpike,
            ReplicasBefore = a.ReplicasBefore,
            ReplicasMax = a.ReplicasMax,
            ReplicasAfter = a.ReplicasAfter,
            LoadDropAtSecond = a.LoadDropAtSecond,
            ScaleInSeconds = a.ScaleInSeconds,
        };
    }
}
