using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Stampede.Analysis;

namespace Stampede.Cli;

/// <summary>The flags that judge a run for CI: thresholds, an SLO file, baselines and JUnit output.</summary>
internal sealed partial class CommandLine
{
    /// <summary>Separates several thresholds in <c>STAMPEDE_SLO</c> (commas and spaces occur inside one).</summary>
    public const char SloSeparator = ';';

    private readonly Option<IReadOnlyList<Threshold>> _slo = new("--slo")
    {
        Description = "A threshold the run must meet, e.g. \"p95<300ms\", \"error_rate<1%\", \"rps>=48\", '\"predict large\": p99.9<1s abort after 30s'; repeat for more. A failed one exits 3.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string?> _sloFile = new("--slo-file") { Description = "SLO objectives as JSON, or YAML for .yaml/.yml (see docs/thresholds.md): compliance, error budget used and worst minute in the summary; a missed one exits 3." };
    private readonly Option<string?> _saveBaseline = new("--save-baseline") { Description = "Write this run's baseline (per-row percentiles, rates and per-second values) to FILE for later --baseline runs." };
    private readonly Option<string?> _baseline = new("--baseline") { Description = "Compare the run with a baseline file (--save-baseline) or a run document (--json); a regressed row exits 3." };
    private readonly Option<double> _tolerance = new("--tolerance") { Description = "With --baseline: relative change a metric may move before it counts as regressed or improved, e.g. 10% (the default).", DefaultValueFactory = _ => 0.10 };
    private readonly Option<string?> _junit = new("--junit") { Description = "Write the thresholds, SLOs and baseline comparison as JUnit XML to FILE (one test case each)." };

    private Option[] GateOptions => [_slo, _sloFile, _saveBaseline, _baseline, _tolerance, _junit];

    /// <summary>Parses a percent such as <c>10%</c> into a ratio (0.1).</summary>
    public static bool TryParseTolerance(string text, out double ratio)
    {
        ratio = 0;
        string trimmed = text.Trim();
        if (!trimmed.EndsWith('%')
            || !double.TryParse(trimmed[..^1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double percent)
            || percent is not (>= 0 and < 1000))
        {
            return false;
        }

        ratio = percent / 100;
        return true;
    }

    private void ConfigureGateOptions()
    {
        _slo.CustomParser = ParseThresholds;
        _tolerance.CustomParser = r =>
        {
            string token = Token(r);
            if (TryParseTolerance(token, out double ratio))
            {
                return ratio;
            }

            r.AddError($"--tolerance: '{token}' is not valid; give a percent from 0% to below 1000%, e.g. --tolerance 10%.");
            return 0.10;
        };
    }

    private CliSettings WithGates(CliSettings settings, ParseResult result) => settings with
    {
        Slos = result.GetValue(_slo) ?? [],
        SloFile = result.GetValue(_sloFile),
        SaveBaselinePath = result.GetValue(_saveBaseline),
        BaselinePath = result.GetValue(_baseline),
        Tolerance = result.GetValue(_tolerance),
        JUnitPath = result.GetValue(_junit),
    };

    /// <summary>Whether <paramref name="option"/> takes several thresholds from one environment variable, separated by <see cref="SloSeparator"/>.</summary>
    private bool IsSeparatedList(Option option) => ReferenceEquals(option, _slo) || ReferenceEquals(option, _breakWhen) || ReferenceEquals(option, _metricsUrl) || ReferenceEquals(option, _watchPid) || ReferenceEquals(option, _watch);

    private static IReadOnlyList<Threshold> ParseThresholds(ArgumentResult r)
    {
        var thresholds = new List<Threshold>();
        foreach (Token token in r.Tokens)
        {
            try
            {
                thresholds.Add(Threshold.Parse(token.Value));
            }
            catch (ThresholdSyntaxException e)
            {
                r.AddError($"--slo: {e.Message}");
            }
        }

        return thresholds;
    }
}
