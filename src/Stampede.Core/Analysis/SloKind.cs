namespace Stampede.Analysis;

/// <summary>What an SLO objective counts as a bad request.</summary>
internal enum SloKind
{
    /// <summary>A request slower than the objective's limit ("99% of requests under 400 ms").</summary>
    Latency,

    /// <summary>A failed request ("error rate under 0.5%").</summary>
    ErrorRate,
}
