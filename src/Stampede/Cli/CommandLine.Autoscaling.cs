using System.CommandLine;
using System.CommandLine.Parsing;
using Stampede.Analysis;

namespace Stampede.Cli;

/// <summary>The flags of the autoscaling validation: the replica series, how long a recovery must hold and how soon it must come.</summary>
internal sealed partial class CommandLine
{
    private readonly Option<string?> _expectScale = new("--expect-scale")
    {
        Description = "Validate autoscaling: SERIES from a --metrics-url source counts the replicas (e.g. kube_deployment_status_replicas_available{deployment=\"model\"} or stampede_demo_workers_current); the load needs a spike (e.g. --rate 5 --rate-stages 20s:5,0s:30,60s:30) and --slo thresholds, which then define recovery. FAIL exits 3.",
    };

    private readonly Option<TimeSpan> _stableFor = new("--stable-for") { Description = "With --expect-scale: how long every --slo must hold, second after second, to count as recovered (default 10s).", DefaultValueFactory = _ => TimeSpan.FromSeconds(10) };

    private readonly Option<TimeSpan> _maxRecovery = new("--max-recovery") { Description = "With --expect-scale: the longest time from the spike to the recovery that passes (default 60s).", DefaultValueFactory = _ => TimeSpan.FromSeconds(60) };

    private Option[] ExpectScaleOptions => [_expectScale, _stableFor, _maxRecovery];

    private void ConfigureAutoscalingOptions()
    {
        _expectScale.CustomParser = r =>
        {
            string token = Token(r);
            if (!AutoscalingOptions.TryParseSeries(token, out _, out string? error))
            {
                r.AddError($"--expect-scale: {error}");
            }

            return token.Trim();
        };
        _stableFor.CustomParser = r => WholeSeconds(r, "--stable-for", allowZero: false) ?? TimeSpan.FromSeconds(10);
        _maxRecovery.CustomParser = r => WholeSeconds(r, "--max-recovery", allowZero: true) ?? TimeSpan.FromSeconds(60);
    }

    private CliSettings WithAutoscaling(CliSettings settings, ParseResult result) => settings with
    {
        ExpectScale = result.GetValue(_expectScale),
        StableFor = result.GetValue(_stableFor),
        MaxRecovery = result.GetValue(_maxRecovery),
    };

    /// <summary>What the autoscaling validation needs: a source to read the series from and thresholds to judge recovery by.</summary>
    private void AutoscalingConflicts(CliSettings settings, ParseResult result, List<string> conflicts)
    {
        if (settings.ExpectScale is null)
        {
            foreach (Option option in new Option[] { _stableFor, _maxRecovery })
            {
                if (result.GetResult(option) is { Implicit: false })
                {
                    conflicts.Add($"{option.Name} applies to the autoscaling validation only: add --expect-scale SERIES.");
                }
            }

            return;
        }

        if (settings.MetricsEndpoints.Count == 0)
        {
            conflicts.Add($"--expect-scale {settings.ExpectScale} reads the replicas from a metrics source, and none is given: add --metrics-url with the endpoint that exposes it, e.g. --metrics-url http://127.0.0.1:8080/metrics (kube-state-metrics for a Kubernetes deployment).");
        }

        if (settings.Slos.Count == 0)
        {
            conflicts.Add("--expect-scale judges recovery by the --slo thresholds, and none is given: add at least one, e.g. --slo \"p95<500ms\" --slo \"error_rate<1%\".");
        }

        if (settings.FindCapacity)
        {
            conflicts.Add("--expect-scale and --find-capacity are different experiments: give one.");
        }
    }

    /// <summary>A duration in whole seconds, as the per-second values it is judged on.</summary>
    private static TimeSpan? WholeSeconds(ArgumentResult r, string flag, bool allowZero)
    {
        TimeSpan? value = ParseDuration(r, flag, allowZero);
        if (value is { } v && v.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            r.AddError($"{flag}: '{Token(r)}' is not a whole number of seconds; give e.g. 10s or 1m (the verdict is judged on one-second values).");
            return null;
        }

        return value;
    }
}
