namespace Stampede.Analysis;

/// <summary>The verdict of a threshold or an SLO objective.</summary>
public enum CheckOutcome
{
    /// <summary>Measured and within the limit.</summary>
    Passed,

    /// <summary>Measured and outside the limit.</summary>
    Failed,

    /// <summary>Nothing to measure (no such row, or no requests); not a pass.</summary>
    NoData,
}
