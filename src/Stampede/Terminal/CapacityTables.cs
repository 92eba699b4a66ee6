using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Experiments;

namespace Stampede.Terminal;

/// <summary>The console's view of a capacity search: every step, and the answer.</summary>
internal static class CapacityTables
{
    public static IEnumerable<IRenderable> Summary(CapacityAnalysis? capacity)
    {
        if (capacity is null)
        {
            yield break;
        }

        yield return Steps("Capacity search (judged after each step's warm-up)", capacity.Steps);
        string colour = !capacity.Valid ? "yellow" : capacity.MaxRate is null ? "red" : "bold green";
        yield return new Markup($"[{colour}]{Markup.Escape(capacity.Summary)}[/]{Environment.NewLine}");
    }

    /// <summary>The stress test: every step, the recovery phase and the verdict.</summary>
    public static IEnumerable<IRenderable> Summary(BreakingPointAnalysis? stress)
    {
        if (stress is null)
        {
            yield break;
        }

        yield return Steps("Stress test (each step judged after a 20% warm-up)", stress.Steps);
        string colour = stress.BrokeAtRate is null ? "green" : stress.Recovered == true ? "yellow" : "red";
        yield return new Markup($"[{colour}]{Markup.Escape(stress.Summary)}[/]{Environment.NewLine}");
    }

    private static Table Steps(string title, IReadOnlyList<CapacityStep> all)
    {
        var steps = new Table().Border(TableBorder.Rounded).Title(title);
        steps.AddColumn(new TableColumn("#").RightAligned());
        steps.AddColumn("Phase");
        foreach (string heading in new[] { "Rate /s", "Achieved /s", "OK req/s", "p50 ms", "p95 ms", "p99 ms", "Errors" })
        {
            steps.AddColumn(new TableColumn(heading).RightAligned());
        }

        steps.AddColumn("Result");
        foreach (CapacityStep s in all)
        {
            steps.AddRow(
                s.Number.ToString(CultureInfo.InvariantCulture),
                s.Phase,
                s.Rate.ToString("0.##", CultureInfo.InvariantCulture),
                s.AchievedRate.ToString("0.##", CultureInfo.InvariantCulture),
                s.Throughput.ToString("0.##", CultureInfo.InvariantCulture),
                Ms(s.P50Ms),
                Ms(s.P95Ms),
                Ms(s.P99Ms),
                s.ErrorRate.ToString("0.##%", CultureInfo.InvariantCulture),
                s.Pass ? $"[green]{(s.Phase == "step" ? "held" : s.Phase == "recovery" ? "recovered" : "pass")}[/]" : $"[red]{(s.Phase == "step" ? "BROKE" : "FAIL")}[/] {Markup.Escape(s.Reason)}");
        }

        return steps;
    }

    private static string Ms(double? ms) => ms is { } v ? StatsTables.Ms(v) : "–";
}
