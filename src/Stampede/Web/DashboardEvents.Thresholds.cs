using System.Text.Json;
using Stampede.Analysis;
using Stampede.Load;
using Stampede.Reports;

namespace Stampede.Web;

/// <summary>The thresholds part of a dashboard event.</summary>
internal static partial class DashboardEvents
{
    private const string NotMeasuredYet = "not measured yet";

    /// <summary>
    /// Writes <c>thresholds</c> (absent without <c>--slo</c>): each threshold with its row, metric, unit, limit, abort
    /// flag, verdict and measured value. Before a run they are listed unmeasured (<c>noData</c>), so the page can show
    /// them; during a run they are measured on the view's snapshot, the run so far, as the console's live line is;
    /// once a run ended they are its end-of-run results (<see cref="RunResult.Thresholds"/>) and <c>thresholdsFinal</c>
    /// is true, and <c>abortedBy</c> names the <c>abort</c> thresholds that stopped it, as measured when they did.
    /// </summary>
    /// <remarks>
    /// Measured here, for the event being written, rather than in the snapshot handler: that handler runs on the
    /// run's metrics thread, which should be kept short, and a percentile outside the standard ones is merged from
    /// every second of the run so far.
    /// </remarks>
    private static void WriteThresholds(Utf8JsonWriter json, DashboardView view)
    {
        if (view.Thresholds.Count == 0)
        {
            return;
        }

        RunResult? result = view.Result;
        bool final = result is not null && result.Thresholds.Count == view.Thresholds.Count;
        IReadOnlyList<ThresholdResult> results = final ? result!.Thresholds
            : view.Stats is { } stats ? ThresholdEvaluator.Evaluate(view.Thresholds, stats)
            : [.. view.Thresholds.Select(t => new ThresholdResult(t, CheckOutcome.NoData, null, NotMeasuredYet))];
        IReadOnlyList<ThresholdResult> abortedBy = result?.AbortedBy ?? [];

        json.WriteBoolean("thresholdsFinal", final);
        json.WritePropertyName("thresholds");
        json.WriteStartArray();
        foreach (ThresholdResult r in results)
        {
            Threshold threshold = r.Threshold;
            json.WriteStartObject();
            json.WriteString("expression", threshold.Expression);
            json.WriteString("row", threshold.Row);
            json.WriteString("metric", threshold.MetricName);
            json.WriteString("unit", threshold.Unit);
            WriteFinite(json, "limit", threshold.Limit);
            json.WriteBoolean("abort", threshold.Abort);
            json.WriteString("result", RunDocumentChecksMapper.Outcome(r.Outcome));
            WriteFinite(json, "measured", r.Measured);
            json.WriteString("measuredText", r.MeasuredText);
            if (r.Note is { } note)
            {
                json.WriteString("note", note);
            }

            json.WriteBoolean("abortedRun", abortedBy.Any(a => ReferenceEquals(a.Threshold, threshold)));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (abortedBy.Count > 0)
        {
            json.WritePropertyName("abortedBy");
            json.WriteStartArray();
            foreach (ThresholdResult a in abortedBy)
            {
                json.WriteStartObject();
                json.WriteString("expression", a.Threshold.Expression);
                json.WriteString("metric", a.Threshold.MetricName);
                WriteFinite(json, "measured", a.Measured);
                json.WriteString("measuredText", a.MeasuredText);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }
    }

    private static void WriteFinite(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
