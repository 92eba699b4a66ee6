using Stampede.Metrics;

namespace Stampede.Analysis;

/// <summary>
/// What a cold start of the target costs: how long it took from spawn to ready, how slow its first request was,
/// and how much slower than the same row's steady state (<see cref="Load.LoadTestOptions.ColdStartTrials"/>).
/// </summary>
/// <remarks>
/// The headline numbers (<see cref="FirstRequestMs"/>, <see cref="SteadyP50Ms"/>, <see cref="PenaltyMs"/>) are of one
/// row, <see cref="Row"/>: the row of the first request sent after the first start. <see cref="Rows"/> has the same
/// numbers for every row the first-request probes touched.
/// </remarks>
public sealed record ColdStartAnalysis
{
    /// <summary>The command that started the target; <see langword="null"/> when not given.</summary>
    public string? Command { get; init; }

    /// <summary>The URL that had to answer 2xx; <see langword="null"/> when not given.</summary>
    public string? ReadyUrl { get; init; }

    /// <summary>Seconds from spawn to ready, one per start, in order.</summary>
    public required IReadOnlyList<double> ReadySeconds { get; init; }

    /// <summary>The row the headline numbers are of; <see langword="null"/> when no probe sent a request.</summary>
    public RowKey? Row { get; init; }

    /// <summary>The first request of <see cref="Row"/> after ready, ms, one per start (<see langword="null"/> for a start without one).</summary>
    public required IReadOnlyList<double?> FirstRequestMs { get; init; }

    /// <summary>The p50 of <see cref="Row"/> over the main run after the warm-up, ms; <see langword="null"/> without requests there.</summary>
    public double? SteadyP50Ms { get; init; }

    /// <summary>The cold-start penalty of <see cref="Row"/>: the median of <see cref="FirstRequestMs"/> minus <see cref="SteadyP50Ms"/>, ms.</summary>
    public double? PenaltyMs { get; init; }

    /// <summary>Every row the probes touched, in the order first sent.</summary>
    public required IReadOnlyList<ColdStartRow> Rows { get; init; }

    /// <summary>Whole seconds at the start of the main run kept out of the steady statistics: ⌈<see cref="Load.LoadTestOptions.Warmup"/>⌉.</summary>
    public required long WarmupSeconds { get; init; }

    /// <summary>Every row's requests in the warm-up (history seconds [0, <see cref="WarmupSeconds"/>)); <see langword="null"/> without a warm-up.</summary>
    public ColdStartWindow? Warmup { get; init; }

    /// <summary>Every row's requests after the warm-up (history seconds from <see cref="WarmupSeconds"/> on).</summary>
    public required ColdStartWindow Steady { get; init; }

    /// <summary>The verdict in one sentence, e.g. <c>ready in 1.52 s; the first GET /predict took 402 ms, 401 ms over its steady p50 of 1.1 ms</c>.</summary>
    public required string Summary { get; init; }
}
