using Stampede.Analysis;
using Stampede.Cli;

namespace Stampede.Gates;

/// <summary>
/// What a run is judged by, read and checked before the first request is sent: the thresholds
/// (<c>--slo</c>), the SLO file's objectives (<c>--slo-file</c>) and the baseline (<c>--baseline</c>).
/// </summary>
internal sealed record GateInputs
{
    /// <summary>Nothing to judge by.</summary>
    public static GateInputs None { get; } = new();

    /// <summary>The thresholds, in the order given.</summary>
    public IReadOnlyList<Threshold> Thresholds { get; init; } = [];

    /// <summary>The SLO file's objectives.</summary>
    public IReadOnlyList<SloObjective> Objectives { get; init; } = [];

    /// <summary>The baseline to compare the run with, or null.</summary>
    public Baseline? Baseline { get; init; }

    /// <summary>The file the baseline came from.</summary>
    public string? BaselinePath { get; init; }

    /// <summary>How strict the comparison is.</summary>
    public BaselineComparisonOptions Comparison { get; init; } = new();

    /// <summary>Whether the run is a soak (<c>--soak</c>): rising latency or memory drift fails, as does a run too short to judge.</summary>
    public bool Soak { get; init; }

    /// <summary>Reads the SLO file and the baseline named in <paramref name="settings"/>.</summary>
    /// <returns>The inputs, or a usage problem that names the flag, the file and what is wrong.</returns>
    public static async Task<(GateInputs? Inputs, string? Problem)> LoadAsync(CliSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlyList<SloObjective> objectives = [];
        if (settings.SloFile is { } sloFile)
        {
            if (!File.Exists(sloFile))
            {
                return (null, $"--slo-file: '{sloFile}' does not exist; give a JSON or YAML file with an \"objectives\" list (see docs/thresholds.md).");
            }

            try
            {
                objectives = await SloFile.ReadAsync(sloFile, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                return (null, $"--slo-file: {e.Message}");
            }
        }

        Baseline? baseline = null;
        if (settings.BaselinePath is { } baselinePath)
        {
            if (!File.Exists(baselinePath))
            {
                return (null, $"--baseline: '{baselinePath}' does not exist; give a file written by --save-baseline or --json.");
            }

            try
            {
                baseline = await BaselineSource.LoadAsync(baselinePath, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                return (null, $"--baseline: {e.Message}");
            }
        }

        return (new GateInputs
        {
            Thresholds = settings.Slos,
            Objectives = objectives,
            Baseline = baseline,
            BaselinePath = settings.BaselinePath,
            Comparison = new BaselineComparisonOptions { Tolerance = settings.Tolerance },
            Soak = settings.Soak,
        }, null);
    }
}
