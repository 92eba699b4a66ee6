using System.Globalization;

namespace Stampede.Reports;

/// <summary>One watched series as a resource chart draws it: as % of its capacity when one is known, else raw in its unit.</summary>
/// <param name="Label">The series with its labels and source, e.g. <c>stampede_demo_queue_length{model="resnet18"} · demo</c>.</param>
/// <param name="Unit">The unit of the series' own values (<c>cores</c>, <c>bytes</c>, …).</param>
/// <param name="Capacity">Its capacity in <paramref name="Unit"/> (the last known one when it changed over the run); <see langword="null"/> when unknown.</param>
/// <param name="Percent">Whether <paramref name="Values"/> are % of the capacity that applied in each second.</param>
/// <param name="Values">One value per history interval, in order; <see langword="null"/> where none was read (a gap, not a zero).</param>
internal sealed record HtmlReportResourceLine(string Label, string Unit, double? Capacity, bool Percent, IReadOnlyList<double?> Values)
{
    /// <summary>The line of <paramref name="series"/> over <paramref name="history"/>: its value at each interval's <c>second</c>.</summary>
    public static HtmlReportResourceLine Of(RunDocumentTargetSeries series, IReadOnlyList<RunDocumentInterval> history)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(history);

        bool percent = TargetShare.IsNormalised(series.Unit, series.Capacity, series.Capacities);
        var values = new List<double?>(history.Count);
        foreach (RunDocumentInterval interval in history)
        {
            double? capacity = At(series.Capacities, interval.Second) ?? series.Capacity;
            values.Add(TargetShare.Drawn(At(series.Values, interval.Second), capacity, series.Unit, series.Capacity, series.Capacities));
        }

        double? lastCapacity = series.Capacities?.LastOrDefault(c => c is not null) ?? series.Capacity;
        return new HtmlReportResourceLine($"{DisplayName(series)} · {series.Source}", series.Unit, lastCapacity, percent, values);
    }

    /// <summary>The series' name with its labels, as Prometheus writes it (as <see cref="Monitoring.TargetSeries.DisplayName"/>).</summary>
    public static string DisplayName(RunDocumentTargetSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series.Labels.Count == 0 ? series.Name
            : series.Name + "{" + string.Join(",", series.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Key}=\"{l.Value}\""))) + "}";
    }

    private static double? At(IReadOnlyList<double?>? values, long second) =>
        values is not null && second >= 0 && second < values.Count ? values[(int)second] : null;
}
