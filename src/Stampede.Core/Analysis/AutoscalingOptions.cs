using System.Globalization;
using Stampede.Load;
using Stampede.Monitoring;

namespace Stampede.Analysis;

/// <summary>
/// Turns a run into an autoscaling validation (<c>--expect-scale</c>, docs/autoscaling.md): the load profile has a
/// spike, a series scraped from a <see cref="LoadTestOptions.MetricsEndpoints"/> source counts the replicas, and
/// the run ends with a PASS/FAIL verdict on how fast the replicas rose and the thresholds held again
/// (<see cref="RunResult.Autoscaling"/>).
/// </summary>
/// <remarks>
/// The run's <see cref="LoadTestOptions.Thresholds"/> then define recovery, judged on each second's own requests,
/// instead of being checked over the whole run: a spike is expected to break them for a while.
/// </remarks>
public sealed class AutoscalingOptions
{
    /// <summary>
    /// The series that counts the replicas, as Prometheus writes it: <c>kube_deployment_status_replicas_available{deployment="model"}</c>,
    /// <c>stampede_demo_workers_current</c>. Labels given must match; others may be present. The first series that matches is used.
    /// </summary>
    /// <value>Empty: invalid; <see cref="Validate"/> asks for one.</value>
    public string Series { get; set; } = string.Empty;

    /// <summary>How long every threshold must hold, second after second, to count as recovered (<c>--stable-for</c>).</summary>
    /// <remarks>Longer proves a steadier recovery but needs a longer spike; one good second between bad ones is not a recovery.</remarks>
    /// <value>10 s.</value>
    public TimeSpan StableFor { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest time from the spike's start to the recovery that passes (<c>--max-recovery</c>).</summary>
    /// <value>60 s.</value>
    public TimeSpan MaxRecovery { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The series as a <c>replicas=</c> mapping, which makes the target monitor keep it whether or not a built-in rule knows it.</summary>
    internal SeriesMapping Mapping => TryParseSeries(Series, out SeriesMapping? mapping, out _) ? mapping! : throw new InvalidOperationException(
        $"AutoscalingOptions.Series '{Series}' is not a series; call Validate first.");

    /// <summary>Reads a series written as <c>NAME</c> or <c>NAME{label="value",…}</c>.</summary>
    /// <param name="text">The series.</param>
    /// <param name="mapping">It as a <c>replicas</c> mapping, when valid.</param>
    /// <param name="error">What is wrong and what would be valid, when not.</param>
    public static bool TryParseSeries(string? text, out SeriesMapping? mapping, out string? error)
    {
        mapping = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "no series given; give the series that counts the replicas, e.g. kube_deployment_status_replicas_available{deployment=\"model\"} or stampede_demo_workers_current.";
            return false;
        }

        if (!SeriesMapping.TryParse("replicas=" + text.Trim(), out mapping, out string? mappingError))
        {
            // The mapping's message speaks of --watch RESOURCE=SERIES; say what this one takes.
            string why = mappingError!.Contains("is not a metric name", StringComparison.Ordinal) ? "its name is not a metric name (letters, digits, '_' and ':', not starting with a digit)"
                : mappingError.Contains("closing", StringComparison.Ordinal) ? "its labels have no closing '}'"
                : "its labels are not valid (label=\"value\", separated by commas)";
            error = $"'{text}' is not a series: {why}; give NAME or NAME{{label=\"value\"}}, e.g. kube_deployment_status_replicas_available{{deployment=\"model\"}}.";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting, here or in <paramref name="run"/>, and what is valid.</summary>
    /// <param name="run">The run these options belong to: it needs a metrics source, thresholds and a spike.</param>
    public void Validate(LoadTestOptions run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!TryParseSeries(Series, out _, out string? error))
        {
            throw new ArgumentException($"Autoscaling.Series: {error}", nameof(Series));
        }

        if (StableFor < TimeSpan.FromSeconds(1) || StableFor.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw Invalid(nameof(StableFor), StableFor, "whole seconds, 1 s or more (per-second values are judged), e.g. 10s");
        }

        if (MaxRecovery < TimeSpan.Zero || MaxRecovery.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw Invalid(nameof(MaxRecovery), MaxRecovery, "whole seconds, 0 or more, e.g. 60s");
        }

        if (run.MetricsEndpoints.Count == 0)
        {
            throw new ArgumentException(
                $"Autoscaling watches {Series}, but no metrics source is scraped: add the endpoint that exposes it to MetricsEndpoints (--metrics-url), e.g. --metrics-url http://127.0.0.1:8080/metrics.",
                nameof(LoadTestOptions.MetricsEndpoints));
        }

        if (run.Thresholds.Count == 0)
        {
            throw new ArgumentException(
                "Autoscaling judges recovery by the thresholds, and none is given: add at least one (--slo), e.g. --slo \"p95<500ms\" --slo \"error_rate<1%\".",
                nameof(LoadTestOptions.Thresholds));
        }

        if (!AutoscalingAnalyzer.PlannedSpike(run))
        {
            throw new ArgumentException(
                "Autoscaling needs a spike in the load profile, and this one has none (the load must rise by 50% or more within 2 s after holding steady for 2 s or more): "
                + "give rate stages with a 0s step, e.g. --rate 5 --rate-stages 20s:5,0s:30,60s:30, or closed-model stages such as --stages 20s:5,60s:30:100"
                + (run.RunTime is { } t ? string.Create(CultureInfo.InvariantCulture, $", with the spike before the run time ({t.TotalSeconds:0.##} s) ends") : string.Empty) + ".",
                nameof(LoadTestOptions.RateStages));
        }
    }

    private static ArgumentException Invalid(string option, object value, string valid) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Autoscaling.{option} is {value}; it must be {valid}."), option);
}
