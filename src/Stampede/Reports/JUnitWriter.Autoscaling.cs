using Stampede.Analysis;

namespace Stampede.Reports;

/// <summary>The <c>autoscaling</c> suite: one case, the <c>--expect-scale</c> verdict.</summary>
internal static partial class JUnitWriter
{
    /// <summary>The verdict as one case (FAIL is a failure with its reason), or none without <c>--expect-scale</c>.</summary>
    private static Case[] AutoscalingCases(JUnitChecks checks) => checks.Autoscaling is not { } a ? [] :
    [
        new Case(
            a.Series,
            $"autoscaling {a.Verdict}: {a.Reason}",
            a.Passed ? null : new Failure(a.Reason, "autoscaling")),
    ];
}
