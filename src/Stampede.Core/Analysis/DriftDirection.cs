namespace Stampede.Analysis;

/// <summary>Which way a series drifted over a run (<see cref="DriftSeries.Direction"/>).</summary>
public enum DriftDirection
{
    /// <summary>No material, significant trend: the 95% interval of the slope holds 0, or the change over the run is too small to matter.</summary>
    Stable,

    /// <summary>The whole 95% interval of the slope is above 0 and the change over the run is material.</summary>
    Rising,

    /// <summary>The whole 95% interval of the slope is below 0 and the change over the run is material.</summary>
    Falling,
}
