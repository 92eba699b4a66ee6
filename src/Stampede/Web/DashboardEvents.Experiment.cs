using System.Text.Json;
using Stampede.Analysis;
using Stampede.Experiments;

namespace Stampede.Web;

/// <summary>The experiment part of a dashboard event: a capacity search or stress test as it goes, and every analysis's verdict once the run ends.</summary>
internal static partial class DashboardEvents
{
    /// <summary>
    /// Writes <c>experiment</c> (absent in a plain run): the phase, step, rate, seconds left in the step and in the
    /// whole experiment, the bracket, the one-line text the console shows, and each step judged so far.
    /// </summary>
    private static void WriteExperiment(Utf8JsonWriter json, DashboardView view)
    {
        if (view.Stats?.Experiment is not { } progress)
        {
            return;
        }

        json.WriteStartObject("experiment");
        json.WriteString("kind", progress.Kind);
        json.WriteString("phase", progress.Phase);
        json.WriteNumber("step", progress.Step);
        json.WriteNumber("rate", progress.Rate);
        WriteFinite(json, "stepSecondsLeft", progress.StepSecondsLeft);
        WriteFinite(json, "secondsLeft", progress.SecondsLeft);
        WriteFinite(json, "lastPassRate", progress.LastPassRate);
        WriteFinite(json, "firstFailRate", progress.FirstFailRate);
        json.WriteString("text", progress.Text);
        json.WriteStartArray("steps");
        foreach (CapacityStep step in progress.Steps)
        {
            json.WriteStartObject();
            json.WriteNumber("number", step.Number);
            json.WriteString("phase", step.Phase);
            json.WriteNumber("rate", step.Rate);
            json.WriteNumber("achievedRate", step.AchievedRate);
            WriteMs(json, "p50Ms", step.Requests, step.P50Ms);
            WriteMs(json, "p95Ms", step.Requests, step.P95Ms);
            WriteMs(json, "p99Ms", step.Requests, step.P99Ms);
            json.WriteNumber("errorRate", step.ErrorRate);
            json.WriteBoolean("pass", step.Pass);
            json.WriteString("reason", step.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// Writes <c>analyses</c> once the run has ended with any: one verdict per analysis (capacity, breaking point,
    /// autoscaling, cold start, each drifting series), as <c>{kind, verdict, summary}</c> with the verdict
    /// <c>pass</c>, <c>fail</c>, <c>invalid</c> or <c>info</c> (the bottleneck has its own place, under <c>target</c>).
    /// </summary>
    private static void WriteAnalyses(Utf8JsonWriter json, DashboardView view)
    {
        if (view.Result is not { } result)
        {
            return;
        }

        var analyses = new List<(string Kind, string Verdict, string Summary)>();
        if (result.Capacity is { } capacity)
        {
            analyses.Add(("capacity", !capacity.Valid ? "invalid" : capacity.MaxRate is null ? "fail" : "pass", capacity.Summary));
        }

        if (result.BreakingPoint is { } breaking)
        {
            analyses.Add(("breakingPoint", breaking.Recovered == false ? "fail" : "info", breaking.Summary));
        }

        if (result.Autoscaling is { } autoscaling)
        {
            analyses.Add(("autoscaling", autoscaling.Passed ? "pass" : "fail", autoscaling.Reason));
        }

        if (result.ColdStart is { } coldStart)
        {
            analyses.Add(("coldStart", "info", coldStart.Summary));
        }

        foreach (DriftSeries series in result.Drift?.Series ?? [])
        {
            if (series.Direction != DriftDirection.Stable)
            {
                string slope = DriftText.Signed(series.SlopePerMinute, series.Unit);
                string change = DriftText.Signed(series.ChangeOverRun, series.Unit);
                analyses.Add(("drift", series.FailsSoak ? "fail" : "info", $"{series.Label}: {series.Verdict}, {slope} per minute ({change} over the run){(series.FailsSoak ? "; fails --soak" : string.Empty)}"));
            }
        }

        if (analyses.Count == 0)
        {
            return;
        }

        json.WriteStartArray("analyses");
        foreach ((string kind, string verdict, string summary) in analyses)
        {
            json.WriteStartObject();
            json.WriteString("kind", kind);
            json.WriteString("verdict", verdict);
            json.WriteString("summary", summary);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
