namespace Stampede.Reports;

/// <summary><c>analysis.capacity</c>: the highest rate that met the SLO, and every step (see <see cref="Experiments.CapacityAnalysis"/>).</summary>
internal sealed record RunDocumentCapacity
{
    /// <summary>The highest passing rate, iterations/s; null when none passed.</summary>
    public double? MaxRate { get; init; }

    /// <summary>Whether the highest rate tried (<c>--max-rate</c>) still passed: the capacity is at least <see cref="MaxRate"/>.</summary>
    public required bool AtLeast { get; init; }

    /// <summary>Whether the result can be trusted (the search converged and no step's generator was bound).</summary>
    public required bool Valid { get; init; }

    /// <summary>The verdict in one sentence.</summary>
    public required string Summary { get; init; }

    /// <summary>The thresholds each step was judged by.</summary>
    public required IReadOnlyList<string> Slo { get; init; }

    /// <summary>The resource that limited the first failing step, when the target was watched.</summary>
    public string? LimitedBy { get; init; }

    /// <summary>Every step, in the order run.</summary>
    public required IReadOnlyList<RunDocumentCapacityStep> Steps { get; init; }
}

/// <summary>One step of the capacity search.</summary>
internal sealed record RunDocumentCapacityStep
{
    /// <summary>1-based.</summary>
    public required int Number { get; init; }

    /// <summary><c>grow</c> or <c>bisect</c>.</summary>
    public required string Phase { get; init; }

    /// <summary>The target rate, iterations/s.</summary>
    public required double Rate { get; init; }

    /// <summary>The history second the step started.</summary>
    public required long StartSecond { get; init; }

    /// <summary>The first history second judged.</summary>
    public required long JudgedFromSecond { get; init; }

    /// <summary>The history second after the step's last.</summary>
    public required long EndSecond { get; init; }

    /// <summary>Iterations started per second over the judged seconds.</summary>
    public required double AchievedRate { get; init; }

    /// <summary>Successful requests per second over the judged seconds.</summary>
    public required double Throughput { get; init; }

    /// <summary>p50 of the judged seconds, ms.</summary>
    public double? P50Ms { get; init; }

    /// <summary>p95, ms.</summary>
    public double? P95Ms { get; init; }

    /// <summary>p99, ms.</summary>
    public double? P99Ms { get; init; }

    /// <summary>Failed over all requests, 0 to 1.</summary>
    public required double ErrorRate { get; init; }

    /// <summary>Requests completed in the judged seconds.</summary>
    public required long Requests { get; init; }

    /// <summary>Whether the step met the SLO.</summary>
    public required bool Pass { get; init; }

    /// <summary>Why it failed, or "met the SLO".</summary>
    public required string Reason { get; init; }

    /// <summary>Whether the generator was bound in a judged second.</summary>
    public required bool GeneratorBound { get; init; }
}
