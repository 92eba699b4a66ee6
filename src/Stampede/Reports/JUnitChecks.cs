using Stampede.Analysis;

namespace Stampede.Reports;

/// <summary>What <see cref="JUnitWriter"/> reports: a run's threshold, SLO and baseline checks.</summary>
internal sealed record JUnitChecks
{
    /// <summary>The name of the test suites, e.g. the scenario's name.</summary>
    /// <value><c>stampede</c>.</value>
    public string Name { get; init; } = "stampede";

    /// <summary>When the run started.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>How long the run took; every suite's <c>time</c>.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>The thresholds (<c>--slo EXPR</c>) as measured at the end of the run.</summary>
    public IReadOnlyList<ThresholdResult> Thresholds { get; init; } = [];

    /// <summary>The SLO file's objectives as measured over the run.</summary>
    public IReadOnlyList<SloResult> Slos { get; init; } = [];

    /// <summary>The per-row comparisons with the baseline (<c>--baseline FILE</c>).</summary>
    public IReadOnlyList<RowComparison> Comparisons { get; init; } = [];

    /// <summary>The autoscaling verdict (<c>--expect-scale</c>); <see langword="null"/> without one.</summary>
    public AutoscalingAnalysis? Autoscaling { get; init; }

    /// <summary>The drift series <c>--soak</c> judged (a rising one fails); empty without <c>--soak</c>.</summary>
    public IReadOnlyList<DriftSeries> Drift { get; init; } = [];

    /// <summary>With <c>--soak</c> on a run too short to judge drift: why; <see langword="null"/> otherwise.</summary>
    public string? SoakNoData { get; init; }
}
