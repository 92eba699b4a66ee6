namespace Stampede.Analysis;

/// <summary>How strict a baseline comparison is (<c>--tolerance</c>).</summary>
internal sealed record BaselineComparisonOptions
{
    /// <summary>The relative change below which a metric is unchanged whatever the test says, 0 to 1.</summary>
    /// <value>0.10 (10%).</value>
    /// <remarks>Lower catches smaller regressions and flags more of the target's own run-to-run drift.</remarks>
    public double Tolerance { get; init; } = 0.10;

    /// <summary>The p-value below which a change beyond the tolerance counts as real rather than noise.</summary>
    /// <value>0.01.</value>
    /// <remarks>Five metrics per row are tested; a looser level lets more noise through as regressions when the tolerance is small.</remarks>
    public double SignificanceLevel { get; init; } = 0.01;

    /// <summary>Seconds with requests each run needs for the rank test; with fewer, the tolerance alone decides.</summary>
    /// <value>5.</value>
    public int MinimumSeconds { get; init; } = 5;

    /// <summary>Throws when an option is out of range, naming it and its valid range.</summary>
    public void Validate()
    {
        if (!(Tolerance >= 0 && Tolerance < 10))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "The tolerance is a ratio from 0 (any change) to below 10 (1000%); 0.1 is 10%.");
        }

        if (!(SignificanceLevel > 0 && SignificanceLevel < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(SignificanceLevel), SignificanceLevel, "The significance level is a p-value strictly between 0 and 1, e.g. 0.01.");
        }

        if (MinimumSeconds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumSeconds), MinimumSeconds, "The rank test needs at least 2 seconds per run.");
        }
    }
}
