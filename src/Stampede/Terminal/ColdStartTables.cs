using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Analysis;

namespace Stampede.Terminal;

/// <summary>The console's view of the cold start: one table line per start when there were several, and the verdict.</summary>
internal static class ColdStartTables
{
    public static IEnumerable<IRenderable> Summary(ColdStartAnalysis? cold)
    {
        if (cold is null)
        {
            yield break;
        }

        if (cold.ReadySeconds.Count > 1 || cold.Rows.Count > 1)
        {
            var starts = new Table().Border(TableBorder.Rounded).Title("Cold starts (spawn → ready, then each task once)");
            starts.AddColumn(new TableColumn("Start").RightAligned());
            starts.AddColumn(new TableColumn("Ready s").RightAligned());
            foreach (ColdStartRow row in cold.Rows)
            {
                starts.AddColumn(new TableColumn(Markup.Escape($"First {row.Key.Method} {row.Key.Name} ms".Replace("  ", " ", StringComparison.Ordinal))).RightAligned());
            }

            for (int i = 0; i < cold.ReadySeconds.Count; i++)
            {
                int start = i;
                starts.AddRow([
                    (i + 1).ToString(CultureInfo.InvariantCulture),
                    cold.ReadySeconds[i].ToString("0.000", CultureInfo.InvariantCulture),
                    .. cold.Rows.Select(r => Ms(start < r.FirstRequestMs.Count ? r.FirstRequestMs[start] : null)),
                ]);
            }

            starts.AddRow(["Steady p50", string.Empty, .. cold.Rows.Select(r => Ms(r.SteadyP50Ms))]);
            starts.AddRow(["Penalty", string.Empty, .. cold.Rows.Select(r => r.PenaltyMs is { } p ? (p >= 0 ? "+" : "−") + Ms(Math.Abs(p)) : "–")]);
            yield return starts;
        }

        string warmup = cold.Warmup is { } w
            ? string.Create(CultureInfo.InvariantCulture, $"{Environment.NewLine}  Warm-up (first {cold.WarmupSeconds} s, kept out of the steady p50): {w.Requests} requests, {w.Failures} failed, p50 {Ms(w.P50Ms)} ms, p95 {Ms(w.P95Ms)} ms; after it {cold.Steady.Requests} requests, p50 {Ms(cold.Steady.P50Ms)} ms, p95 {Ms(cold.Steady.P95Ms)} ms.")
            : string.Empty;
        yield return new Markup($"[yellow]{Markup.Escape(cold.Summary)}[/]{Markup.Escape(warmup)}{Environment.NewLine}");
    }

    /// <summary>About 3 significant digits: the JSON document has every one.</summary>
    private static string Ms(double? ms) => ms is { } v ? v.ToString(v >= 100 ? "0" : v >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) : "–";
}
