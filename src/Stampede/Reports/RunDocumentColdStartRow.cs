namespace Stampede.Reports;

/// <summary>One row of <c>analysis.coldStart.rows</c>: its first request after each start against its steady p50.</summary>
internal sealed record RunDocumentColdStartRow
{
    /// <summary>The row's method.</summary>
    public required string Method { get; init; }

    /// <summary>The row's name.</summary>
    public required string Name { get; init; }

    /// <summary>Its first request after ready, ms, one per start (null for a start without one).</summary>
    public required IReadOnlyList<double?> FirstRequestMs { get; init; }

    /// <summary>Its p50 over the main run after the warm-up, ms.</summary>
    public double? SteadyP50Ms { get; init; }

    /// <summary>The requests <see cref="SteadyP50Ms"/> rests on.</summary>
    public required long SteadyRequests { get; init; }

    /// <summary>The median of <see cref="FirstRequestMs"/> minus <see cref="SteadyP50Ms"/>, ms.</summary>
    public double? PenaltyMs { get; init; }
}
