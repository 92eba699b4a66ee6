using System.Globalization;
using Stampede.Analysis;

namespace Stampede.Reports;

/// <summary>
/// The run's one-line headline, the same in the console's summary, the HTML report and the dashboard's end state:
/// the checks, the validity verdict and what is only indicative, e.g. <c>PASSED 3 of 3 checks · VALID · p99 indicative for 1 row</c>.
/// </summary>
/// <remarks>
/// Built from the run document, so a report re-rendered from a saved JSON file has the headline the run had. The checks
/// are counted as <see cref="HtmlReportWriter.CheckCounts"/> counts them; the indicative part names the headline
/// percentiles (p50 … p99) that some rows, the aggregated one included, have too few samples for.
/// </remarks>
internal static class RunHeadline
{
    /// <summary>The headline of <paramref name="document"/>.</summary>
    public static string Of(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var parts = new List<string>(3);
        if (HtmlReportWriter.IsJudged(document))
        {
            (int total, IReadOnlyList<string> failures) = HtmlReportWriter.CheckCounts(document);
            parts.Add(failures.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"PASSED {total} of {total} checks")
                : string.Create(CultureInfo.InvariantCulture, $"FAILED {failures.Count} of {total} checks"));
        }

        parts.Add(Validity(document));
        return string.Join(" · ", parts);
    }

    /// <summary>The validity part: <c>VALID</c>, <c>INVALID</c>, followed by <c> · p99 indicative for 1 row</c> when percentiles are only indicative.</summary>
    public static string Validity(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        string verdict = document.Validity?.Verdict ?? "VALID";
        if (document.Validity?.Notes is not { Count: > 0 })
        {
            return verdict;
        }

        var indicative = new SortedSet<double>();
        int rows = 0;
        foreach (RunDocumentRow row in document.Rows.Append(document.Aggregated))
        {
            double[] missing = [.. RunValidity.HeadlinePercentiles.Where(p => row.Requests > 0 && !Sampling.HasEnough(row.Requests, p))];
            if (missing.Length > 0)
            {
                rows++;
                indicative.UnionWith(missing);
            }
        }

        return rows == 0 ? verdict : string.Create(
            CultureInfo.InvariantCulture,
            $"{verdict} · {string.Join(", ", indicative.Select(p => "p" + p.ToString(CultureInfo.InvariantCulture)))} indicative for {rows} {(rows == 1 ? "row" : "rows")}");
    }
}
