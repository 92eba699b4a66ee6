namespace Stampede.Experiments;

/// <summary>The result of a capacity search: the highest rate that met the SLO, and every step that led there.</summary>
public sealed record CapacityAnalysis
{
    /// <summary>The highest rate whose step met every threshold, iterations/s; <see langword="null"/> when even the first failed.</summary>
    public double? MaxRate { get; init; }

    /// <summary>Whether the search reached its <see cref="CapacitySearchOptions.MaxRate"/> still passing: the capacity is at least <see cref="MaxRate"/>.</summary>
    public bool AtLeast { get; init; }

    /// <summary>Whether the result can be trusted: false when a step's generator was bound, or the search was stopped before it converged.</summary>
    public bool Valid { get; init; }

    /// <summary>The verdict in one sentence.</summary>
    public required string Summary { get; init; }

    /// <summary>The SLO each step was judged by: the thresholds' expressions.</summary>
    public required IReadOnlyList<string> Slo { get; init; }

    /// <summary>Every step, in the order run.</summary>
    public required IReadOnlyList<CapacityStep> Steps { get; init; }

    /// <summary>What limited the target at the first failing rate, when the run watched it (the bottleneck analysis' resource).</summary>
    public string? LimitedBy { get; init; }
}

/// <summary>One step of a capacity search, judged after its warm-up.</summary>
public sealed record CapacityStep
{
    /// <summary>The step's 1-based number.</summary>
    public required int Number { get; init; }

    /// <summary><c>grow</c> (rising geometrically) or <c>bisect</c>.</summary>
    public required string Phase { get; init; }

    /// <summary>The target rate, iterations/s.</summary>
    public required double Rate { get; init; }

    /// <summary>The history second the step started.</summary>
    public required long StartSecond { get; init; }

    /// <summary>The first history second judged (after the warm-up).</summary>
    public required long JudgedFromSecond { get; init; }

    /// <summary>The history second after the step's last.</summary>
    public required long EndSecond { get; init; }

    /// <summary>Iterations started per second over the judged seconds.</summary>
    public required double AchievedRate { get; init; }

    /// <summary>Successful requests per second over the judged seconds.</summary>
    public required double Throughput { get; init; }

    /// <summary>p50 of the judged seconds' requests, ms (exact merge of their histograms).</summary>
    public double? P50Ms { get; init; }

    /// <summary>p95, ms.</summary>
    public double? P95Ms { get; init; }

    /// <summary>p99, ms.</summary>
    public double? P99Ms { get; init; }

    /// <summary>Failed requests over all requests of the judged seconds, 0 to 1.</summary>
    public required double ErrorRate { get; init; }

    /// <summary>Requests completed in the judged seconds.</summary>
    public required long Requests { get; init; }

    /// <summary>Whether every threshold held and the generator was not bound.</summary>
    public required bool Pass { get; init; }

    /// <summary>Why it failed (the failing thresholds with their values), or "met the SLO".</summary>
    public required string Reason { get; init; }

    /// <summary>Whether the generator was bound in a judged second (the step then proves nothing about the target).</summary>
    public bool GeneratorBound { get; init; }
}
