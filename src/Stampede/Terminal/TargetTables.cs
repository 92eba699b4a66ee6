using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Analysis;
using Stampede.Monitoring;

namespace Stampede.Terminal;

/// <summary>The console's view of the target: one live line of the watched resources, and the bottleneck verdict at the end.</summary>
internal static class TargetTables
{
    /// <summary>
    /// The live line: the latest value of each watched series, normalised to its capacity where known, e.g.
    /// <c>Target · cpu 1.97/2 cores (98%) · queue 37/64 · concurrency 2/2 workers · demo scrapes 41 (0 failed)</c>.
    /// </summary>
    public static string? LiveLine(TargetSnapshot target)
    {
        if (!target.IsWatching)
        {
            return null;
        }

        var parts = new List<string>();
        foreach (TargetSeries series in target.Series.Where(s => s.Resource is not null).Take(8))
        {
            int last = LastIndex(series.Values);
            if (last < 0)
            {
                continue;
            }

            double value = series.Values[last]!.Value;
            double? capacity = series.CapacityAt(last);
            string amount = BottleneckAnalyzer.Amount(value, series.Unit);
            string text = capacity is > 0 && series.Unit is not "percent"
                ? string.Create(CultureInfo.InvariantCulture, $"{amount} of {BottleneckAnalyzer.Amount(capacity.Value, series.Unit)} ({value / capacity.Value * 100:0}%)")
                : amount;
            parts.Add($"{TargetResources.Name(series.Resource!.Value)} {text} [{series.Source}]");
        }

        long failures = target.Sources.Sum(s => s.Failures);
        string sources = string.Create(CultureInfo.InvariantCulture, $"{target.Sources.Count} sources, {target.Sources.Sum(s => s.Scrapes)} reads{(failures > 0 ? $", {failures} FAILED" : string.Empty)}");
        return parts.Count == 0 ? $"Target · no values yet · {sources}" : $"Target · {string.Join(" · ", parts)} · {sources}";
    }

    /// <summary>The summary's target section: the bottleneck verdict with its evidence, and the sources.</summary>
    public static IEnumerable<IRenderable> Summary(BottleneckAnalysis? bottleneck, TargetSnapshot target)
    {
        if (target.IsWatching)
        {
            var sources = new Table().Border(TableBorder.Rounded).Title("Target sources");
            sources.AddColumn("Source");
            sources.AddColumn("Reads");
            sources.AddColumn(new TableColumn("# reads").RightAligned());
            sources.AddColumn(new TableColumn("# failed").RightAligned());
            sources.AddColumn(new TableColumn("Mean ms").RightAligned());
            sources.AddColumn("Last error");
            foreach (TargetSourceStats s in target.Sources)
            {
                sources.AddRow(
                    Markup.Escape(s.Name),
                    Markup.Escape(s.Address),
                    s.Scrapes.ToString(CultureInfo.InvariantCulture),
                    s.Failures == 0 ? "0" : $"[red]{s.Failures.ToString(CultureInfo.InvariantCulture)}[/]",
                    s.MeanScrapeMs.ToString("0.0", CultureInfo.InvariantCulture),
                    Markup.Escape(s.LastError ?? string.Empty));
            }

            yield return sources;
            foreach (TargetWarning warning in target.Warnings.Take(10))
            {
                yield return new Markup($"[yellow]Target warning: {Markup.Escape(warning.Message)}[/]{Environment.NewLine}");
            }
        }

        if (bottleneck is null)
        {
            yield break;
        }

        if (bottleneck.Evidence.Count > 0)
        {
            var evidence = new Table().Border(TableBorder.Rounded).Title(bottleneck.AtSecond is { } at
                ? string.Create(CultureInfo.InvariantCulture, $"Resources at the knee (second {at + 1})")
                : "Resources over the steady load");
            evidence.AddColumn("Resource");
            evidence.AddColumn("State");
            evidence.AddColumn("Evidence");
            evidence.AddColumn("Source");
            foreach (BottleneckEvidence e in bottleneck.Evidence)
            {
                string stateColour = e.State switch { "saturated" => "red", "high" => "yellow", _ => "grey" };
                evidence.AddRow(Markup.Escape(e.Resource), $"[{stateColour}]{e.State}[/]", Markup.Escape(e.Detail), Markup.Escape(e.Source));
            }

            yield return evidence;
        }

        string colour = bottleneck.Resource is "none" ? "green" : bottleneck.Resource is "unknown" ? "yellow" : "bold red";
        yield return new Markup($"[{colour}]{Markup.Escape(bottleneck.Summary)}[/]{Environment.NewLine}"
            + string.Concat(bottleneck.Advice.Select(a => $"  {Markup.Escape(a)}{Environment.NewLine}")));
    }

    private static int LastIndex(IReadOnlyList<double?> values)
    {
        for (int i = values.Count - 1; i >= 0; i--)
        {
            if (values[i] is not null)
            {
                return i;
            }
        }

        return -1;
    }
}
