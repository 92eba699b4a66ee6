namespace Stampede.Monitoring;

/// <summary>
/// What judges the generator's health for a run: this process (<see cref="GeneratorMonitor"/>), or, in a distributed
/// run's coordinator, the agents that send the load (ClusterHealth).
/// </summary>
internal interface IGeneratorWatch
{
    /// <summary>Raised (on the aggregator's thread) when a new warning is added.</summary>
    event Action<GeneratorWarning>? WarningRaised;

    /// <summary>The health so far.</summary>
    GeneratorHealth Current { get; }

    /// <summary>Takes the sample of the second that just ended; <paramref name="elapsed"/> is the run time now.</summary>
    void Sample(TimeSpan elapsed, long second);

    /// <summary>Judges second <paramref name="second"/> (0-based) once its interval closed: whether the generator was bound in it.</summary>
    /// <param name="second">The second.</param>
    /// <param name="lagMs">Its scheduling lag at <paramref name="lagPercentile"/>, ms; <see langword="null"/> when not judged on lag.</param>
    /// <param name="lagPercentile">Which percentile <paramref name="lagMs"/> is: <c>p99</c>, <c>p90</c> or <c>p50</c>.</param>
    bool JudgeSecond(long second, double? lagMs, string lagPercentile = "p99");
}
