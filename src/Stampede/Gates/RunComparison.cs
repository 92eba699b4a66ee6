using System.Globalization;
using Spectre.Console;
using Stampede.Analysis;
using Stampede.Cli;

namespace Stampede.Gates;

/// <summary>
/// What <c>stampede compare A.json B.json</c> does: reads two runs (run documents or baselines),
/// compares B with A row by row, prints the side-by-side table and writes it as a static HTML page.
/// </summary>
internal static class RunComparison
{
    /// <summary>A missing or invalid input, or an output that cannot be written.</summary>
    public const int UsageErrorExitCode = 2;

    /// <summary>A row of the second run regressed against the first.</summary>
    public const int RegressedExitCode = GateResults.FailedExitCode;

    /// <summary>Compares <paramref name="currentPath"/> with <paramref name="baselinePath"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string baselinePath, string currentPath, string? outputPath, string tolerance, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        if (!CommandLine.TryParseTolerance(tolerance, out double ratio))
        {
            await errors.WriteLineAsync($"error: --tolerance: '{tolerance}' is not valid; give a percent from 0% to below 1000%, e.g. --tolerance 10%.").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        (Baseline? before, string? problem) = await LoadAsync(baselinePath, cancellationToken).ConfigureAwait(false);
        (Baseline? after, string? problem2) = before is null ? (null, null) : await LoadAsync(currentPath, cancellationToken).ConfigureAwait(false);
        if (before is null || after is null)
        {
            await errors.WriteLineAsync($"error: {problem ?? problem2}").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        var options = new BaselineComparisonOptions { Tolerance = ratio };
        IReadOnlyList<RowComparison> comparisons = BaselineComparer.Compare(before, after, options);

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        console.Write(GateTables.Comparisons(comparisons, string.Create(CultureInfo.InvariantCulture, $"{Markup.Escape(baselinePath)} → {Markup.Escape(currentPath)}, tolerance ±{ratio * 100:0.##}%")));
        RowComparison[] regressed = [.. comparisons.Where(c => c.Verdict == ComparisonVerdict.Regressed)];
        await output.WriteLineAsync(regressed.Length == 0
            ? $"No row regressed ({comparisons.Count(c => c.Verdict == ComparisonVerdict.Improved)} improved)."
            : $"REGRESSED: {string.Join(", ", regressed.Select(r => r.Label))}.").ConfigureAwait(false);

        string target = string.IsNullOrWhiteSpace(outputPath) ? Path.ChangeExtension(currentPath, ".compare.html") : outputPath;
        try
        {
            Reports.OutputFile.EnsureDirectory(target);
            await File.WriteAllTextAsync(target, ComparisonHtml.Render(baselinePath, before, currentPath, after, comparisons, options), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            await errors.WriteLineAsync($"error: --output '{target}' cannot be written ({ex.Message}); give a path in a writable directory.").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        await output.WriteLineAsync($"Wrote {target}").ConfigureAwait(false);
        return regressed.Length > 0 ? RegressedExitCode : 0;
    }

    private static async Task<(Baseline? Baseline, string? Problem)> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            return (null, $"'{path}' does not exist; give a run document written by --json or a baseline written by --save-baseline.");
        }

        try
        {
            return (await BaselineSource.LoadAsync(path, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return (null, ex.Message);
        }
    }
}
