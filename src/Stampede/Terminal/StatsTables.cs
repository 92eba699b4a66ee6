using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Analysis;
using Stampede.Load;
using Stampede.Metrics;

namespace Stampede.Terminal;

/// <summary>Builds the console tables: the live view and the end-of-run summary.</summary>
internal static class StatsTables
{
    /// <summary>The live table: users, RPS, failures and p50/p95/p99 per row.</summary>
    /// <param name="stats">The run so far.</param>
    /// <param name="warnings">Warnings to show under the table.</param>
    /// <param name="expand">Whether the table fills the console's width (a terminal redrawn in place); otherwise it keeps its natural width.</param>
    public static IRenderable Live(StatsSnapshot stats, IReadOnlyList<string> warnings, bool expand = true)
    {
        var table = new Table().Border(TableBorder.Simple);
        if (expand)
        {
            table.Expand();
        }

        string load = stats.Arrivals is { } a
            ? string.Create(CultureInfo.InvariantCulture, $"target {a.TargetRate:0.#} it/s · {a.BusyUsers}/{a.Users} users busy · {a.DroppedIterations} dropped · lag p99 {LagP99(stats)}")
            : string.Create(CultureInfo.InvariantCulture, $"{stats.Users} users");
        string bound = stats.Generator.BoundSinceSecond is { } since
            ? string.Create(CultureInfo.InvariantCulture, $" · GENERATOR-BOUND since {TimeSpan.FromSeconds(since):hh\\:mm\\:ss}")
            : string.Empty;
        table.Title = new TableTitle(string.Create(
            CultureInfo.InvariantCulture,
            $"Stampede · {stats.Elapsed:hh\\:mm\\:ss} · {load} · {stats.Total.CurrentRequestsPerSecond:0.#} req/s · {FailurePercent(stats.Total)} failed{bound}"));
        table.AddColumn("Type");
        table.AddColumn("Name");
        table.AddColumn(new TableColumn("# reqs").RightAligned());
        table.AddColumn(new TableColumn("# fails").RightAligned());
        table.AddColumn(new TableColumn("req/s").RightAligned());
        table.AddColumn(new TableColumn("fail/s").RightAligned());
        table.AddColumn(new TableColumn("p50 ms").RightAligned());
        table.AddColumn(new TableColumn("p95 ms").RightAligned());
        table.AddColumn(new TableColumn("p99 ms").RightAligned());
        foreach (RowStats row in stats.Rows.Append(stats.Total))
        {
            table.AddRow(
                Markup.Escape(row.Key.Method),
                Markup.Escape(row.Key.Name),
                row.Requests.ToString(CultureInfo.InvariantCulture),
                Fails(row),
                Rate(row.CurrentRequestsPerSecond),
                Rate(row.CurrentFailuresPerSecond),
                Ms(row.MedianMs),
                Ms(row.GetPercentile(95)),
                Ms(row.GetPercentile(99)));
        }

        string? target = TargetTables.LiveLine(stats.Target);
        string? llm = LlmTables.LiveLine(stats);
        string? cluster = ClusterTables.LiveLine(stats.Cluster);
        if (warnings.Count == 0 && target is null && llm is null && cluster is null)
        {
            return table;
        }

        IEnumerable<IRenderable> lines = [.. new[] { cluster, llm, target }.OfType<string>().Select(l => new Markup(Markup.Escape(l)))];
        return new Rows([table, .. lines, .. warnings.Select(w => new Markup($"[yellow]{Markup.Escape(w)}[/]"))]);
    }

    /// <summary>The end-of-run summary: request statistics, percentiles, failures, errors and warnings.</summary>
    public static IEnumerable<IRenderable> Summary(RunResult result)
    {
        StatsSnapshot stats = result.Stats;
        var requests = new Table().Border(TableBorder.Rounded).Title("Requests");
        requests.AddColumn("Type");
        requests.AddColumn("Name");
        foreach (string heading in new[] { "# reqs", "# fails", "Avg ms", "Min ms", "Max ms", "Med ms", "req/s", "fail/s", "Avg size B" })
        {
            requests.AddColumn(new TableColumn(heading).RightAligned());
        }

        foreach (RowStats row in stats.Rows.Append(stats.Total))
        {
            requests.AddRow(
                Markup.Escape(row.Key.Method),
                Markup.Escape(row.Key.Name),
                row.Requests.ToString(CultureInfo.InvariantCulture),
                Fails(row),
                Ms(row.AverageMs),
                Ms(row.MinMs),
                Ms(row.MaxMs),
                Ms(row.MedianMs),
                Rate(row.RequestsPerSecond),
                Rate(row.FailuresPerSecond),
                row.AverageContentSize.ToString("0", CultureInfo.InvariantCulture));
        }

        yield return requests;

        var percentiles = new Table().Border(TableBorder.Rounded).Title("Response time percentiles (ms, HdrHistogram, 3 significant digits)");
        percentiles.AddColumn("Type");
        percentiles.AddColumn("Name");
        foreach (double p in Percentiles.Standard)
        {
            percentiles.AddColumn(new TableColumn(Percentiles.Label(p)).RightAligned());
        }

        percentiles.AddColumn(new TableColumn("# reqs").RightAligned());
        bool open = stats.Arrivals is not null;
        bool marked = false;
        foreach (RowStats row in stats.Rows.Append(stats.Total))
        {
            percentiles.AddRow([
                Markup.Escape(row.Key.Method),
                Markup.Escape(row.Key.Name),
                .. row.Percentiles.Select(p => Percentile(row, p, ref marked)),
                row.Requests.ToString(CultureInfo.InvariantCulture),
            ]);
        }

        string caption = (open ? "Measured from each request's intended start (open model: a late request is charged for its wait). " : string.Empty)
            + (marked ? "* fewer samples than the binomial bound asks for that percentile (p90 needs 64, p99 662, p99.9 6,636)." : string.Empty);
        yield return percentiles;
        if (caption.Length > 0)
        {
            // A line of its own rather than a caption, which would fold at the table's width, mid-sentence.
            yield return new Markup(Markup.Escape(caption.TrimEnd()) + Environment.NewLine);
        }

        foreach (IRenderable part in LlmTables.Summary(stats))
        {
            yield return part;
        }

        if (open || stats.Rows.Any(r => r.ServiceTimePercentiles.Count > 0 && r.GetServiceTimePercentile(99) != r.GetPercentile(99)))
        {
            yield return ServiceTimes(stats);
        }

        if (stats.Arrivals is { } arrivals)
        {
            yield return new Markup(string.Create(
                CultureInfo.InvariantCulture,
                $"Schedule: {arrivals.DueIterations} iterations due (target mean {arrivals.MeanTargetRate:0.##}/s), {arrivals.StartedIterations} started ({arrivals.AchievedRate:0.##}/s), [{(arrivals.DroppedIterations > 0 ? "yellow" : "green")}]{arrivals.DroppedIterations} dropped[/] (no free user among {arrivals.MaxUsers}); scheduling lag (send − intended start) p50 {Ms(stats.Total.GetSchedulingLagPercentile(50))} ms, p99 {Ms(stats.Total.GetSchedulingLagPercentile(99))} ms, max {Ms(stats.Total.GetSchedulingLagPercentile(100))} ms.{Environment.NewLine}"));
        }

        foreach (IRenderable part in ClusterTables.Summary(stats.Cluster))
        {
            yield return part;
        }

        if (stats.Failures.Count > 0)
        {
            var failures = new Table().Border(TableBorder.Rounded).Title("Failures");
            failures.AddColumn(new TableColumn("# occurrences").RightAligned());
            failures.AddColumn("Type");
            failures.AddColumn("Name");
            failures.AddColumn("Error");
            foreach (FailureStats f in stats.Failures)
            {
                failures.AddRow(f.Occurrences.ToString(CultureInfo.InvariantCulture), Markup.Escape(f.Method), Markup.Escape(f.Name), Markup.Escape(f.Error));
            }

            yield return failures;
        }

        if (stats.Errors.Count > 0)
        {
            var errors = new Table().Border(TableBorder.Rounded).Title("Errors thrown by user code");
            errors.AddColumn(new TableColumn("# occurrences").RightAligned());
            errors.AddColumn("Where");
            errors.AddColumn("Error");
            foreach (UserErrorStats e in stats.Errors)
            {
                errors.AddRow(e.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(e.Source), Markup.Escape($"{e.Type}: {e.Message}"));
            }

            yield return errors;
        }

        foreach (RunWarning warning in stats.Warnings)
        {
            yield return new Markup($"[yellow]Warning: {Markup.Escape(warning.Message)}[/]{Environment.NewLine}");
        }

        foreach (var warning in stats.Generator.Warnings)
        {
            yield return new Markup($"[yellow]Warning: {Markup.Escape(warning.Message)}[/]{Environment.NewLine}");
        }

        foreach (IRenderable part in TargetTables.Summary(result.Bottleneck, stats.Target))
        {
            yield return part;
        }

        foreach (IRenderable part in DriftTables.Summary(result.Drift))
        {
            yield return part;
        }

        foreach (IRenderable part in ColdStartTables.Summary(result.ColdStart))
        {
            yield return part;
        }

        foreach (IRenderable part in AutoscalingTables.Summary(result.Autoscaling))
        {
            yield return part;
        }

        foreach (IRenderable part in CapacityTables.Summary(result.Capacity))
        {
            yield return part;
        }

        foreach (IRenderable part in CapacityTables.Summary(result.BreakingPoint))
        {
            yield return part;
        }

        yield return Verdict(result);
    }

    /// <summary>The validity verdict: VALID in green, or INVALID in red with each reason; then the indicative percentiles.</summary>
    public static IRenderable Verdict(RunResult result)
    {
        if (result.Validity.IsValid)
        {
            return new Markup($"Verdict: [green]VALID[/]{Environment.NewLine}"
                + string.Concat(result.Validity.Notes.Select(n => $"  indicative: {Markup.Escape(n)}{Environment.NewLine}")));
        }

        // The indicative percentiles are said either way: an INVALID run's few samples are worth knowing too.
        return new Markup($"Verdict: [red]INVALID[/]{Environment.NewLine}"
            + string.Concat(result.Validity.Reasons.Select(r => $"  - {Markup.Escape(r)}{Environment.NewLine}"))
            + string.Concat(result.Validity.Notes.Select(n => $"  indicative: {Markup.Escape(n)}{Environment.NewLine}")));
    }

    private static Rows ServiceTimes(StatsSnapshot stats)
    {
        double[] shown = [50, 90, 95, 99, 99.9, 100];
        var table = new Table().Border(TableBorder.Rounded).Title("Service time percentiles (ms, from the actual send)");
        table.AddColumn("Type");
        table.AddColumn("Name");
        foreach (double p in shown)
        {
            table.AddColumn(new TableColumn(Percentiles.Label(p)).RightAligned());
        }

        table.AddColumn(new TableColumn("Avg ms").RightAligned());
        foreach (RowStats row in stats.Rows.Append(stats.Total))
        {
            table.AddRow([
                Markup.Escape(row.Key.Method),
                Markup.Escape(row.Key.Name),
                .. shown.Select(p => row.Requests == 0 || row.ServiceTimePercentiles.Count == 0 ? "N/A" : Ms(row.GetServiceTimePercentile(p))),
                Ms(row.AverageServiceTimeMs),
            ]);
        }

        return new Rows(table, new Markup("Service time leaves out any wait for the intended start; response time minus service time is that wait: what a closed-loop tool would hide (coordinated omission)." + Environment.NewLine));
    }

    private static string Percentile(RowStats row, PercentileValue p, ref bool marked)
    {
        if (row.Requests == 0)
        {
            return "N/A";
        }

        if (Sampling.HasEnough(row.Requests, p.Percentile))
        {
            return Ms(p.ValueMs);
        }

        marked = true;
        return Ms(p.ValueMs) + "*";
    }

    private static string LagP99(StatsSnapshot stats) =>
        stats.History.Count > 0 && stats.History[^1].SchedulingLagP99Ms is { } lag ? Ms(lag) + " ms" : "n/a";

    public static string Ms(double ms) => ms switch
    {
        < 10 => ms.ToString("0.000", CultureInfo.InvariantCulture),
        < 1000 => ms.ToString("0.0", CultureInfo.InvariantCulture),
        _ => ms.ToString("0", CultureInfo.InvariantCulture),
    };

    private static string Rate(double perSecond) => perSecond.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Fails(RowStats row) => row.Failures == 0
        ? "0"
        : string.Create(CultureInfo.InvariantCulture, $"{row.Failures} ({row.FailureRatio * 100:0.0}%)");

    private static string FailurePercent(RowStats total) =>
        (total.FailureRatio * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
