using System.Text.Json;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;
using Stampede.Reports;

namespace Stampede.Web;

/// <summary>The target part of a dashboard event: the system under test as watched, and the bottleneck verdict at the end.</summary>
internal static partial class DashboardEvents
{
    /// <summary>Warnings about target sources an event carries at most, the newest.</summary>
    public const int TargetWarningsShown = 5;

    /// <summary>
    /// Writes <c>target</c> (absent when nothing is watched: no <c>--metrics-url</c> or <c>--watch-pid</c>): each
    /// source with its scrapes and failures, and each series with its resource, unit, capacity and latest value
    /// (and that value in % of the capacity, when one is known); and <c>bottleneck</c>, the ended run's verdict
    /// (<see cref="RunResult.Bottleneck"/>), when it has one.
    /// </summary>
    private static void WriteTarget(Utf8JsonWriter json, DashboardView view)
    {
        if (view.Stats?.Target is { IsWatching: true } target)
        {
            json.WriteStartObject("target");
            json.WriteNumber("intervalSeconds", target.IntervalSeconds);
            json.WriteStartArray("sources");
            foreach (TargetSourceStats source in target.Sources)
            {
                json.WriteStartObject();
                json.WriteString("name", source.Name);
                json.WriteString("kind", source.Kind);
                json.WriteString("url", source.Address);
                json.WriteBoolean("up", source.Up);
                json.WriteNumber("scrapes", source.Scrapes);
                json.WriteNumber("failures", source.Failures);
                json.WriteNumber("timeouts", source.Timeouts);
                if (source.LastError is { } error)
                {
                    json.WriteString("lastError", error);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("series");
            foreach (TargetSeries series in target.Series)
            {
                WriteLatest(json, series);
            }

            json.WriteEndArray();
            json.WriteStartArray("warnings");
            for (int i = Math.Max(0, target.Warnings.Count - TargetWarningsShown); i < target.Warnings.Count; i++)
            {
                json.WriteStringValue(target.Warnings[i].Message);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        if (view.Result?.Bottleneck is { } bottleneck)
        {
            json.WriteStartObject("bottleneck");
            json.WriteString("resource", bottleneck.Resource);
            json.WriteString("headline", bottleneck.Resource == "none" ? "No saturation reached" : $"Bottleneck: {bottleneck.Resource}");
            json.WriteString("summary", bottleneck.Summary);
            if (bottleneck.AtSecond is { } at)
            {
                json.WriteNumber("atSecond", at);
            }

            json.WriteEndObject();
        }
    }

    private static void WriteLatest(Utf8JsonWriter json, TargetSeries series)
    {
        // The latest value read: a second whose scrape failed (or has not come yet) keeps the one before it.
        int second = series.Values.Count - 1;
        while (second >= 0 && series.Values[second] is null)
        {
            second--;
        }

        double? value = second >= 0 ? series.Values[second] : null;
        double? capacity = series.CapacityAt(second);
        bool normalised = TargetShare.IsNormalised(series.Unit, series.Capacity, series.Capacities);
        json.WriteStartObject();
        json.WriteString("source", series.Source);
        json.WriteString("name", series.DisplayName);
        if (series.Resource is { } resource)
        {
            json.WriteString("resource", TargetResources.Name(resource));
        }
        else
        {
            json.WriteNull("resource");
        }

        json.WriteString("unit", series.Unit);
        json.WriteString("description", series.Description);
        WriteFinite(json, "capacity", capacity);
        json.WriteBoolean("normalised", normalised);
        WriteFinite(json, "value", value);
        WriteFinite(json, "percent", normalised ? TargetShare.Drawn(value, capacity, series.Unit, series.Capacity, series.Capacities) : null);
        json.WriteEndObject();
    }

    /// <summary>
    /// Writes <c>points.target</c> (absent when nothing is watched): for each of <c>target.series</c>, in its order,
    /// its value at each history interval from <paramref name="from"/> on, aligned with <c>points.time</c>; in % of the
    /// capacity that applied in that second when the series is <c>normalised</c>, raw otherwise; null where none was read.
    /// </summary>
    private static void WriteTargetPoints(Utf8JsonWriter json, StatsSnapshot stats, int from)
    {
        TargetSnapshot target = stats.Target;
        if (!target.IsWatching)
        {
            return;
        }

        json.WriteStartArray("target");
        foreach (TargetSeries series in target.Series)
        {
            json.WriteStartArray();
            for (int i = from; i < stats.History.Count; i++)
            {
                int second = (int)stats.History[i].Second;
                double? value = second >= 0 && second < series.Values.Count ? series.Values[second] : null;
                double? drawn = TargetShare.Drawn(value, series.CapacityAt(second), series.Unit, series.Capacity, series.Capacities);
                if (drawn is { } d)
                {
                    json.WriteNumberValue(Math.Round(d, 3));
                }
                else
                {
                    json.WriteNullValue();
                }
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
    }
}
