namespace Stampede.Analysis;

/// <summary>One row of a run compared with the same row of its baseline.</summary>
/// <param name="Method">The row's method; empty for the aggregated row.</param>
/// <param name="Name">The row's name; <c>Aggregated</c> for every request together.</param>
/// <param name="Verdict">Regressed when any metric regressed; else improved when any improved; else unchanged.</param>
/// <param name="Metrics">p50, p95, p99, requests/s and error rate; empty when not compared.</param>
/// <param name="Reason">The metrics that decided the verdict, or why the row was not compared.</param>
internal sealed record RowComparison(string Method, string Name, ComparisonVerdict Verdict, IReadOnlyList<MetricComparison> Metrics, string Reason)
{
    /// <summary>The row as a scope is written: <c>POST predict</c>, or <c>Aggregated</c>.</summary>
    public string Label => Method.Length == 0 ? Name : $"{Method} {Name}";
}
