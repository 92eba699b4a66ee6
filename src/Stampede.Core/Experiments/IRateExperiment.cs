using Stampede.Metrics;

namespace Stampede.Experiments;

/// <summary>An experiment that steers an open-model run's rate, once a second, from what it measured.</summary>
internal interface IRateExperiment
{
    /// <summary>The rate the run starts at, iterations/s.</summary>
    double StartRate { get; }

    /// <summary>Whether it has its answer; the run then ends.</summary>
    bool Finished { get; }

    /// <summary>Where it is at <paramref name="nowSeconds"/> (seconds since the run's start), for the live views.</summary>
    ExperimentProgress Progress(double nowSeconds);

    /// <summary>Looks at the live snapshot; returns a new rate and the whole second it applies from, or <see langword="null"/>.</summary>
    (double Rate, long AtSecond)? OnSecond(StatsSnapshot live, int busyIterations);
}
