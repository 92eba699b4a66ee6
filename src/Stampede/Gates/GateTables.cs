using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Analysis;

namespace Stampede.Gates;

/// <summary>The console tables of a run's checks: thresholds, SLO objectives and the baseline comparison.</summary>
internal static class GateTables
{
    /// <summary>The tables of every kind of check made; nothing without checks.</summary>
    public static IEnumerable<IRenderable> Summary(GateResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        foreach (ThresholdResult aborted in results.AbortedBy)
        {
            yield return new Markup($"[red]Aborted:[/] {Markup.Escape(aborted.Threshold.Expression)} failed during the run ({Markup.Escape(aborted.Threshold.MetricName)} = {Markup.Escape(aborted.MeasuredText)}){Environment.NewLine}");
        }

        if (results.Thresholds.Count > 0)
        {
            yield return Thresholds(results.Thresholds);
        }

        if (results.Slos.Count > 0)
        {
            yield return Slos(results.Slos);
        }

        if (results.Comparisons.Count > 0)
        {
            yield return Comparisons(results.Comparisons, string.Create(
                CultureInfo.InvariantCulture,
                $"Baseline comparison ({Markup.Escape(results.BaselinePath ?? "baseline")} → this run, tolerance ±{results.Tolerance * 100:0.##}%)"));
        }
    }

    /// <summary>One line under the live table: each threshold's current value and state.</summary>
    public static IRenderable Live(IReadOnlyList<ThresholdResult> results) => new Markup(
        "Thresholds: " + string.Join(" · ", results.Select(r => $"{Outcome(r.Outcome)} {Markup.Escape(r.Threshold.Expression)} ({Markup.Escape(r.MeasuredText)})")));

    /// <summary>The thresholds with their measured values and verdicts.</summary>
    public static Table Thresholds(IReadOnlyList<ThresholdResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Thresholds");
        table.AddColumn("Result");
        table.AddColumn("Threshold");
        table.AddColumn("Row");
        table.AddColumn(new TableColumn("Measured").RightAligned());
        foreach (ThresholdResult result in results)
        {
            table.AddRow(
                Outcome(result.Outcome),
                Markup.Escape(result.Threshold.Expression),
                Markup.Escape(result.Threshold.Row ?? "Aggregated"),
                Markup.Escape($"{result.Threshold.MetricName} = {result.MeasuredText}"));
        }

        return table;
    }

    /// <summary>The SLO objectives: compliance against target, error budget used and the worst minute.</summary>
    public static Table Slos(IReadOnlyList<SloResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Service-level objectives");
        table.AddColumn("Result");
        table.AddColumn("Objective");
        table.AddColumn(new TableColumn("Compliance").RightAligned());
        table.AddColumn(new TableColumn("Target").RightAligned());
        table.AddColumn(new TableColumn("Error budget used").RightAligned());
        table.AddColumn("Worst window");
        foreach (SloResult result in results)
        {
            if (result.Outcome == CheckOutcome.NoData)
            {
                table.AddRow(Outcome(result.Outcome), Markup.Escape(result.Objective.Name), "N/A", Percent(result.Objective.Target), "N/A", Markup.Escape(result.Note ?? "no requests"));
                continue;
            }

            table.AddRow(
                Outcome(result.Outcome),
                Markup.Escape(result.Objective.Name),
                Percent(result.Compliance),
                Percent(result.Objective.Target),
                string.Create(CultureInfo.InvariantCulture, $"{result.ErrorBudgetConsumed * 100:0.#}%"),
                result.WorstWindow is { } w
                    ? string.Create(CultureInfo.InvariantCulture, $"{Percent(w.Compliance)} over {w.Seconds} s from second {w.StartSecond} ({w.BadRequests} of {w.Requests} bad)")
                    : "N/A");
        }

        table.Caption = new TableTitle("Error budget: the share of requests the objective lets be bad; above 100% it is overspent.");
        return table;
    }

    /// <summary>Each row, baseline against this run: p50, p95, p99, requests/s and error rate with their changes, and the verdict.</summary>
    public static Table Comparisons(IReadOnlyList<RowComparison> comparisons, string title)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title);
        table.AddColumn("Verdict");
        table.AddColumn("Row");
        foreach (string heading in new[] { "p50 ms", "p95 ms", "p99 ms", "req/s", "error rate" })
        {
            table.AddColumn(new TableColumn(heading).RightAligned());
        }

        table.AddColumn("Why");
        foreach (RowComparison row in comparisons)
        {
            table.AddRow([
                Verdict(row.Verdict),
                Markup.Escape(row.Label),
                .. Enum.GetValues<BaselineMetric>().Select(m => Cell(row, m)),
                Markup.Escape(row.Reason),
            ]);
        }

        table.Caption = new TableTitle("baseline → this run (change). A change counts only beyond the tolerance and when a significance test at p < 0.01 says it is not noise.");
        return table;
    }

    private static string Cell(RowComparison row, BaselineMetric metric)
    {
        MetricComparison? m = row.Metrics.FirstOrDefault(x => x.Metric == metric);
        if (m is null)
        {
            return "–";
        }

        string text = Markup.Escape($"{Value(metric, m.Baseline)} → {Value(metric, m.Current)} ({BaselineComparer.FormatChange(m.RelativeChange)})");
        return m.Verdict switch
        {
            ComparisonVerdict.Regressed => $"[red]{text}[/]",
            ComparisonVerdict.Improved => $"[green]{text}[/]",
            _ => text,
        };
    }

    private static string Value(BaselineMetric metric, double value) => metric switch
    {
        BaselineMetric.RequestsPerSecond => value.ToString("0.##", CultureInfo.InvariantCulture),
        BaselineMetric.ErrorRate => string.Create(CultureInfo.InvariantCulture, $"{value * 100:0.##}%"),
        _ => value.ToString("0.#", CultureInfo.InvariantCulture),
    };

    private static string Outcome(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Passed => "[green]pass[/]",
        CheckOutcome.Failed => "[red]FAIL[/]",
        _ => "[yellow]NO DATA[/]",
    };

    private static string Verdict(ComparisonVerdict verdict) => verdict switch
    {
        ComparisonVerdict.Regressed => "[red]regressed[/]",
        ComparisonVerdict.Improved => "[green]improved[/]",
        ComparisonVerdict.Unchanged => "unchanged",
        _ => "[grey]not compared[/]",
    };

    private static string Percent(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{ratio * 100:0.###}%");
}
