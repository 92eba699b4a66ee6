namespace Stampede.Analysis;

/// <summary>One per-second series the drift analysis tests.</summary>
/// <param name="Metric">What it measures.</param>
/// <param name="Series">Its name (<see cref="DriftSeries.Series"/>).</param>
/// <param name="Row">The row of a latency or throughput series.</param>
/// <param name="Source">The source of a memory series.</param>
/// <param name="Unit">The unit of its values.</param>
/// <param name="Values">One value per history interval (index = history second), NaN where the second has none.</param>
/// <param name="SoakJudged">Whether <c>--soak</c> may fail on it: false for the generator's own machine (a local target's host memory holds the generator's).</param>
internal sealed record DriftInputSeries(DriftMetric Metric, string Series, string? Row, string? Source, string Unit, double[] Values, bool SoakJudged = true);
