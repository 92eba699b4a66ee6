using Stampede.Monitoring;

namespace Stampede.Reports;

/// <summary>
/// One small chart of the report's Analysis section: the watched series that measure one resource of the
/// system under test (<see cref="RunDocumentTargetSeries.Resource"/>), one value per history interval.
/// </summary>
/// <param name="Resource">The resource's name (<c>cpu</c>, <c>queue</c>, …) as the document writes it.</param>
/// <param name="Lines">Its series, in the document's order.</param>
internal sealed record HtmlReportResourceChart(string Resource, IReadOnlyList<HtmlReportResourceLine> Lines)
{
    /// <summary>The resources' charts of <paramref name="document"/>, in <see cref="TargetResources.All"/>'s order (names it does not know last); empty when nothing was watched.</summary>
    /// <remarks>A series without a resource is evidence only (an inference time, say): it is listed under Target sources, not charted.</remarks>
    public static IReadOnlyList<HtmlReportResourceChart> Of(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Target is not { } target)
        {
            return [];
        }

        return [.. target.Series
            .Where(s => !string.IsNullOrEmpty(s.Resource))
            .GroupBy(s => s.Resource!, StringComparer.Ordinal)
            .OrderBy(g => Rank(g.Key))
            .Select(g => new HtmlReportResourceChart(g.Key, [.. g.Select(s => HtmlReportResourceLine.Of(s, document.History))]))];
    }

    /// <summary>Whether any line is drawn as % of its capacity.</summary>
    public bool AnyPercent => Lines.Any(l => l.Percent);

    /// <summary>The units of the lines drawn raw (without a known capacity), in order of first appearance.</summary>
    public IReadOnlyList<string> RawUnits => [.. Lines.Where(l => !l.Percent).Select(l => l.Unit).Distinct(StringComparer.Ordinal)];

    /// <summary>What the chart's y axes show: <c>% of capacity</c>, a unit, or both.</summary>
    public string AxisText => string.Join(", ", (AnyPercent ? ["% of capacity"] : Array.Empty<string>()).Concat(RawUnits));

    private static int Rank(string resource)
    {
        for (int i = 0; i < TargetResources.All.Count; i++)
        {
            if (string.Equals(TargetResources.Name(TargetResources.All[i]), resource, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return TargetResources.All.Count;
    }
}
