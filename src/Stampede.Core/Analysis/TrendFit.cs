namespace Stampede.Analysis;

/// <summary>A Theil–Sen fit of y on x with its interval and the Mann–Kendall test (<see cref="TrendTests.TheilSen"/>); slopes in y's unit per x's unit.</summary>
/// <param name="Slope">The median of every pairwise slope.</param>
/// <param name="Intercept">The median of y − slope·x, so the line is <c>Intercept + Slope·x</c>.</param>
/// <param name="SlopeLow">The lower end of the slope's interval (Sen's method).</param>
/// <param name="SlopeHigh">The upper end of the slope's interval (Sen's method).</param>
/// <param name="S">The Mann–Kendall statistic: concordant minus discordant pairs.</param>
/// <param name="VarianceS">The variance of <paramref name="S"/> under no trend, corrected for ties in y.</param>
/// <param name="PValue">The two-sided Mann–Kendall p-value (normal approximation, continuity-corrected).</param>
/// <param name="Points">The points fitted.</param>
internal sealed record TrendFit(double Slope, double Intercept, double SlopeLow, double SlopeHigh, long S, double VarianceS, double PValue, int Points)
{
    /// <summary>The line's value at <paramref name="x"/>.</summary>
    public double At(double x) => Intercept + (Slope * x);
}
