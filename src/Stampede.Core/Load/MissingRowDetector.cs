using Stampede.Analysis;
using Stampede.Metrics;

namespace Stampede.Load;

/// <summary>
/// Warns, once, about every threshold scoped to a row (<c>"predict smal": p95&lt;300ms</c>) whose row has not appeared
/// <see cref="Grace"/> into the run, naming the rows that have: a misspelt scope otherwise only shows at the end, as a
/// threshold without data.
/// </summary>
internal sealed class MissingRowDetector(IReadOnlyList<Threshold> thresholds)
{
    /// <summary>How long a scoped row may take to appear: every task has usually run by then.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>Most row names a warning lists.</summary>
    private const int MaxRowsNamed = 10;

    private bool _done = thresholds.All(t => t.Row is null);

    /// <summary>One sentence per scoped threshold without its row, the first time <paramref name="snapshot"/> is past <see cref="Grace"/>; empty otherwise.</summary>
    public IReadOnlyList<string> Check(StatsSnapshot snapshot)
    {
        if (_done || snapshot.Elapsed < Grace)
        {
            return [];
        }

        _done = true;
        var warnings = new List<string>();
        foreach (Threshold threshold in thresholds.Where(t => t.Row is not null))
        {
            if (RowSelector.Select(snapshot.Rows, snapshot.Total, threshold.Row, out string? problem) is null)
            {
                warnings.Add($"--slo {threshold.Expression}: {problem} after {Grace.TotalSeconds:0} s; {RowsSoFar(snapshot.Rows)}");
            }
        }

        return warnings;
    }

    private static string RowsSoFar(IReadOnlyList<RowStats> rows)
    {
        if (rows.Count == 0)
        {
            return "no request has completed yet.";
        }

        string named = string.Join(", ", rows.Take(MaxRowsNamed).Select(r => $"\"{(r.Key.Method.Length == 0 ? r.Key.Name : $"{r.Key.Method} {r.Key.Name}")}\""));
        return rows.Count > MaxRowsNamed ? $"the rows so far: {named} and {rows.Count - MaxRowsNamed} more." : $"the rows so far: {named}.";
    }
}
