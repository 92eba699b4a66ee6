using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Analysis;

namespace Stampede.Terminal;

/// <summary>The summary's drift table: each series' trend over the run after its warm-up (docs/soak.md).</summary>
internal static class DriftTables
{
    /// <summary>The Drift table and, under <c>--soak</c>, its verdict; nothing for a run too short to judge (<paramref name="drift"/> null).</summary>
    public static IEnumerable<IRenderable> Summary(DriftAnalysis? drift)
    {
        if (drift is null)
        {
            yield break;
        }

        var table = new Table().Border(TableBorder.Rounded).Title(string.Create(
            CultureInfo.InvariantCulture,
            $"Drift (Theil–Sen slope, 95% interval; after a {drift.WarmupSeconds} s warm-up, {Elapsed(drift.FromSecond)}–{Elapsed(drift.ToSecond)})"));
        table.AddColumn("Series");
        table.AddColumn("Verdict");
        table.AddColumn(new TableColumn("Slope /min").RightAligned());
        table.AddColumn(new TableColumn("95% interval /min").RightAligned());
        table.AddColumn(new TableColumn("Change over run").RightAligned());
        table.AddColumn(new TableColumn("Change %").RightAligned());
        table.AddColumn(new TableColumn("p-value").RightAligned());
        table.AddColumn(new TableColumn("n").RightAligned());
        foreach (DriftSeries s in drift.Series)
        {
            string colour = s.FailsSoak ? "bold red" : s.Direction == DriftDirection.Stable ? "green" : "yellow";
            table.AddRow(
                Markup.Escape(s.Label),
                $"[{colour}]{s.Verdict}{(s.FailsSoak ? " (fails --soak)" : string.Empty)}[/]",
                Markup.Escape(DriftText.Amount(s.SlopePerMinute, s.Unit)),
                Markup.Escape(DriftText.Interval(s.SlopeLowPerMinute, s.SlopeHighPerMinute, s.Unit)),
                Markup.Escape(DriftText.Signed(s.ChangeOverRun, s.Unit)),
                s.ChangePercent is { } p ? p.ToString("+0.#;-0.#;0", CultureInfo.InvariantCulture) + "%" : "–",
                DriftText.PValue(s.PValue),
                s.N.ToString(CultureInfo.InvariantCulture));
        }

        yield return table;
        if (drift.Soak)
        {
            IReadOnlyList<DriftSeries> failures = drift.Failures;
            yield return failures.Count == 0
                ? new Markup($"Soak: [green]passed[/]: no latency or memory series is rising.{Environment.NewLine}")
                : new Markup($"Soak: [bold red]FAILED[/]: {Markup.Escape(string.Join(", ", failures.Select(f => f.Label)))} rising.{Environment.NewLine}");
        }
    }

    private static string Elapsed(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Round(seconds));
        return span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : span.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
