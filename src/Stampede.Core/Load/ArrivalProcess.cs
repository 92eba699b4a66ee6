namespace Stampede.Load;

/// <summary>How open-model iterations are spread in time around the target rate (<c>--arrivals</c>).</summary>
public enum ArrivalProcess
{
    /// <summary>Evenly spaced: at a steady rate R the gaps are exactly 1/R seconds (wrk2, k6's arrival-rate executors).</summary>
    Constant,

    /// <summary>
    /// Random, memoryless arrivals (a Poisson process): exponential gaps with mean 1/R, from the run's seed.
    /// With a burstiness (Gamma shape, <c>--burstiness</c>) other than 1 the gaps follow a Gamma distribution instead, as in vLLM's benchmark.
    /// </summary>
    Poisson,
}
