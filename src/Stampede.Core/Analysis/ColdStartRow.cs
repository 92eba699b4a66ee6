using Stampede.Metrics;

namespace Stampede.Analysis;

/// <summary>One row's cold-start cost: its first request after each start against its own steady-state median.</summary>
public sealed record ColdStartRow
{
    /// <summary>The row (method and name).</summary>
    public required RowKey Key { get; init; }

    /// <summary>The row's first request after ready, ms, one per start in order; <see langword="null"/> for a start whose probe sent none of this row.</summary>
    public required IReadOnlyList<double?> FirstRequestMs { get; init; }

    /// <summary>The row's p50 over the main run after the warm-up, ms; <see langword="null"/> when it completed no request there.</summary>
    public double? SteadyP50Ms { get; init; }

    /// <summary>The row's requests that <see cref="SteadyP50Ms"/> rests on.</summary>
    public long SteadyRequests { get; init; }

    /// <summary>The median of <see cref="FirstRequestMs"/> minus <see cref="SteadyP50Ms"/>, ms; <see langword="null"/> when either is missing.</summary>
    public double? PenaltyMs { get; init; }
}
