using System.Globalization;
using Stampede.Analysis;
using Stampede.Gates;

namespace Stampede.Reports;

/// <summary>The <c>soak</c> suite: one case per latency and memory drift series judged by <c>--soak</c>.</summary>
internal static partial class JUnitWriter
{
    /// <summary>A case per judged drift series (a rising one fails), or one failed case when the run was too short to judge.</summary>
    private static Case[] SoakCases(JUnitChecks checks)
    {
        if (checks.SoakNoData is { } why)
        {
            return [new Case("drift", $"soak: {why}", new Failure($"{why}: the drift could not be judged", "no-data"))];
        }

        return [.. checks.Drift.Select(d =>
        {
            string output = string.Create(
                CultureInfo.InvariantCulture,
                $"{d.Label}: {d.Verdict}, slope {DriftText.Amount(d.SlopePerMinute, d.Unit)}/min (95% interval {DriftText.Interval(d.SlopeLowPerMinute, d.SlopeHighPerMinute, d.Unit)}), {DriftText.Signed(d.ChangeOverRun, d.Unit)} over the run, p = {d.PValue:G3}, n = {d.N}");
            return new Case(d.Label, output, d.Direction == DriftDirection.Rising ? new Failure(GateResults.DescribeDrift(d), "drift") : null);
        })];
    }
}
