using System.Globalization;

namespace Stampede.Analysis;

/// <summary>How a run fared against one SLO objective.</summary>
/// <param name="Objective">The objective.</param>
/// <param name="Outcome">Passed when the share of good requests reached the target; no data without requests.</param>
/// <param name="Requests">Requests the objective covers.</param>
/// <param name="BadRequests">Of which bad.</param>
/// <param name="WorstWindow">The (up to) 60-second window with the lowest compliance, earliest first; null without requests.</param>
/// <param name="Note">Why there is no data, when there is none.</param>
internal sealed record SloResult(SloObjective Objective, CheckOutcome Outcome, long Requests, long BadRequests, SloWindow? WorstWindow, string? Note = null)
{
    /// <summary>The share of good requests over the run, 0 to 1.</summary>
    public double Compliance => Requests == 0 ? 1 : 1 - ((double)BadRequests / Requests);

    /// <summary>Bad requests divided by the bad requests the objective allows: 0.4 = 40% of the error budget spent; above 1 = overspent.</summary>
    public double ErrorBudgetConsumed => Requests == 0 ? 0 : BadRequests / (Objective.AllowedBadRatio * Requests);

    /// <summary>One line for a summary.</summary>
    public override string ToString() => Outcome == CheckOutcome.NoData
        ? $"NO DATA  {Objective.Name}  ({Note ?? "no requests"})"
        : string.Create(
            CultureInfo.InvariantCulture,
            $"{(Outcome == CheckOutcome.Passed ? "pass" : "FAIL")}  {Objective.Name}  compliance {Compliance * 100:0.###}% (target {Objective.Target * 100:0.###}%), error budget used {ErrorBudgetConsumed * 100:0.#}%, worst {WorstWindow?.Seconds}s from second {WorstWindow?.StartSecond}: {WorstWindow?.Compliance * 100:0.###}%");
}
