namespace Stampede.Monitoring.Prometheus;

/// <summary>One parsed Prometheus or OpenMetrics exposition: what a single scrape of a <c>/metrics</c> endpoint returned.</summary>
/// <param name="Families">The metric families in order of first appearance.</param>
/// <param name="Warnings">The lines that were skipped, in line order: at most 20, then one that counts the rest.</param>
/// <param name="SampleCount">Samples over all families.</param>
/// <param name="IsOpenMetrics">Whether the text was read as OpenMetrics 1.0 (forced, or detected from its <c># EOF</c>).</param>
internal sealed record Exposition(IReadOnlyList<MetricFamily> Families, IReadOnlyList<ExpositionWarning> Warnings, int SampleCount, bool IsOpenMetrics)
{
    /// <summary>The family of that name (ordinal comparison).</summary>
    /// <param name="familyName">A family name: <c>node_cpu_seconds_total</c> in 0.0.4 text, <c>http_requests</c> for an OpenMetrics counter.</param>
    /// <returns>The family, or <see langword="null"/> when the exposition has none of that name.</returns>
    /// <remarks>A linear scan: an exposition holds tens to a few hundred families, and looking a handful up once a second costs microseconds.</remarks>
    public MetricFamily? Find(string familyName)
    {
        for (int i = 0; i < Families.Count; i++)
        {
            if (string.Equals(Families[i].Name, familyName, StringComparison.Ordinal))
            {
                return Families[i];
            }
        }

        return null;
    }
}
