using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Load;
using Stampede.Metrics;

namespace Stampede.Terminal;

/// <summary>Builds the console tables: the live view and the end-of-run summary.</summary>
internal static class StatsTables
{
    /// <summary>The live table: users, RPS, failures and p50/p95/p99 per row.</summary>
    public static IRenderable Live(StatsSnapshot stats, IReadOnlyList<string> warnings)
    {
        var table = new Table().Border(TableBorder.Simple).Expand();
        table.Title = new TableTitle(string.Create(
            CultureInfo.InvariantCulture,
            $"Stampede · {stats.Elapsed:hh\\:mm\\:ss} · {stats.Users} users · {stats.Total.CurrentRequestsPerSecond:0.#} req/s · {FailurePercent(stats.Total)} failed"));
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

        if (warnings.Count == 0)
        {
            return table;
        }

        return new Rows([table, .. warnings.Select(w => new Markup($"[yellow]{Markup.Escape(w)}[/]"))]);
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
        foreach (RowStats row in stats.Rows.Append(stats.Total))
        {
            percentiles.AddRow([
                Markup.Escape(row.Key.Method),
                Markup.Escape(row.Key.Name),
                .. row.Percentiles.Select(p => row.Requests == 0 ? "N/A" : Ms(p.ValueMs)),
                row.Requests.ToString(CultureInfo.InvariantCulture),
            ]);
        }

        yield return percentiles;

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

        foreach (var warning in stats.Generator.Warnings)
        {
            yield return new Markup($"[yellow]Warning: {Markup.Escape(warning.Message)}[/]{Environment.NewLine}");
        }
    }

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
