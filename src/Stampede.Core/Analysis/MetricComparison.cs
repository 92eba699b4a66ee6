namespace Stampede.Analysis;

/// <summary>One metric of one row, baseline against current.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Baseline">The baseline's value (ms, requests/s, or a 0-to-1 ratio).</param>
/// <param name="Current">This run's value, in the same unit.</param>
/// <param name="RelativeChange">(current − baseline) / baseline; +∞ from a baseline of 0.</param>
/// <param name="PValue">The significance test's two-sided p-value; null when there were too few seconds to test.</param>
/// <param name="Verdict">Regressed, improved or unchanged.</param>
/// <param name="Reason">Why, in words: the change, the tolerance and the test.</param>
internal sealed record MetricComparison(
    BaselineMetric Metric,
    double Baseline,
    double Current,
    double RelativeChange,
    double? PValue,
    ComparisonVerdict Verdict,
    string Reason);
