using System.Globalization;

namespace Stampede.Analysis;

/// <summary>
/// One service-level objective over a run: a share of requests that must be good, e.g. "99% of
/// requests under 400 ms" or "error rate under 0.5%".
/// </summary>
/// <remarks>
/// Both kinds are one rule: at most <see cref="AllowedBadRatio"/> of the requests may be bad. That
/// allowance is the error budget (Google SRE's definition): 1% of the requests for a 99% objective.
/// </remarks>
internal sealed record SloObjective
{
    /// <summary>A name for the summary and JUnit; defaults to <see cref="Describe"/>.</summary>
    public required string Name { get; init; }

    /// <summary>The row the objective is scoped to (as a threshold's scope), or null for every request.</summary>
    public string? Row { get; init; }

    /// <summary>What counts as a bad request.</summary>
    public required SloKind Kind { get; init; }

    /// <summary>For <see cref="SloKind.Latency"/>: the slowest good response time, ms.</summary>
    public double LatencyLimitMs { get; init; }

    /// <summary>The share of requests that may be bad, strictly between 0 and 1: 0.01 for "99% under …", 0.005 for "error rate under 0.5%".</summary>
    public required double AllowedBadRatio { get; init; }

    /// <summary>The share of requests that must be good, 0 to 1.</summary>
    public double Target => 1 - AllowedBadRatio;

    /// <summary>The objective in words: <c>99% of requests under 400 ms</c>, <c>error rate under 0.5%</c>, with the row when scoped.</summary>
    public string Describe()
    {
        string what = Kind == SloKind.Latency
            ? string.Create(CultureInfo.InvariantCulture, $"{Target * 100:0.###}% of requests under {LatencyLimitMs:0.###} ms")
            : string.Create(CultureInfo.InvariantCulture, $"error rate under {AllowedBadRatio * 100:0.###}%");
        return Row is null ? what : $"\"{Row}\": {what}";
    }
}
