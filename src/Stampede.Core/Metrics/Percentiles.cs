namespace Stampede.Metrics;

/// <summary>The percentiles every statistics row reports, in Locust's order and with its labels.</summary>
public static class Percentiles
{
    /// <summary>50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99 and 100 (the maximum).</summary>
    public static IReadOnlyList<double> Standard { get; } = [50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100];

    /// <summary>The label Locust's CSV headers use for a percentile: <c>50%</c>, <c>99.9%</c>.</summary>
    public static string Label(double percentile) =>
        percentile.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
