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
}
