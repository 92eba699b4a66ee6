namespace Stampede.Reports;

/// <summary>
/// How a watched series is drawn beside throughput and latency (in the HTML report and the live dashboard): as a
/// share of its capacity, in %, when one is known, so a CPU in cores, a queue in requests and a worker pool share
/// one scale where 100% is full; else raw, in its own unit.
/// </summary>
internal static class TargetShare
{
    /// <summary>Whether the series is drawn in % of its capacity: it has one (fixed or per second), or it is in percent already.</summary>
    public static bool IsNormalised(string unit, double? capacity, IReadOnlyList<double?>? capacities) =>
        IsPercentAlready(unit, capacity, capacities) || capacity is > 0 || (capacities?.Any(c => c is > 0) ?? false);

    /// <summary>
    /// What is drawn for <paramref name="value"/>: <c>100 × value / capacity</c> for a normalised series (null where no
    /// capacity applies), the value itself otherwise.
    /// </summary>
    /// <param name="value">The value, in <paramref name="unit"/>; null where none was read.</param>
    /// <param name="capacityAt">The capacity that applies where the value was read (the second's own, else the fixed one).</param>
    /// <param name="unit">The series' unit.</param>
    /// <param name="capacity">The series' fixed capacity.</param>
    /// <param name="capacities">The series' capacity per second, when it changes.</param>
    public static double? Drawn(double? value, double? capacityAt, string unit, double? capacity, IReadOnlyList<double?>? capacities)
    {
        if (value is not { } v || !double.IsFinite(v))
        {
            return null;
        }

        // A series in percent without a capacity (a GPU's utilisation) is already a share of 100%.
        if (IsPercentAlready(unit, capacity, capacities))
        {
            return v;
        }

        return !IsNormalised(unit, capacity, capacities) ? v
            : capacityAt is > 0 and var c ? 100 * v / c
            : null;
    }

    private static bool IsPercentAlready(string unit, double? capacity, IReadOnlyList<double?>? capacities) =>
        capacity is null && capacities is null && string.Equals(unit, "percent", StringComparison.Ordinal);
}
