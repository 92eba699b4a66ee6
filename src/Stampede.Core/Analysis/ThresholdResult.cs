namespace Stampede.Analysis;

/// <summary>A threshold measured against a snapshot: live during a run, and at its end (<see cref="Load.RunResult.Thresholds"/>).</summary>
/// <param name="Threshold">The threshold.</param>
/// <param name="Outcome">Passed, failed, or no data (not a pass).</param>
/// <param name="Measured">The value in the metric's unit (ms, 0-to-1 ratio, requests/s, count); null without data.</param>
/// <param name="Note">Why there is no data, when there is none.</param>
public sealed record ThresholdResult(Threshold Threshold, CheckOutcome Outcome, double? Measured, string? Note = null)
{
    /// <summary>Whether the threshold passed.</summary>
    public bool Passed => Outcome == CheckOutcome.Passed;

    /// <summary>The measured value with its unit (<c>212.4 ms</c>), or <c>no data</c> with the reason.</summary>
    public string MeasuredText => Measured is { } value
        ? Threshold.FormatValue(value)
        : Note is null ? "no data" : $"no data ({Note})";

    /// <summary>One line for a summary: <c>FAIL  p95&lt;300ms  p95 = 412.8 ms</c>.</summary>
    public override string ToString() =>
        $"{Outcome switch { CheckOutcome.Passed => "pass", CheckOutcome.Failed => "FAIL", _ => "NO DATA" }}  {Threshold.Expression}  {Threshold.MetricName} = {MeasuredText}";
}
