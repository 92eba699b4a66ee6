namespace Stampede.Analysis;

/// <summary>How a row or metric of a run compares with its baseline.</summary>
internal enum ComparisonVerdict
{
    /// <summary>Within the tolerance, or beyond it but not distinguishable from noise.</summary>
    Unchanged,

    /// <summary>Better by more than the tolerance, and significantly so.</summary>
    Improved,

    /// <summary>Worse by more than the tolerance, and significantly so.</summary>
    Regressed,

    /// <summary>The row is missing from one of the two runs, or has no requests in it.</summary>
    NotCompared,
}
