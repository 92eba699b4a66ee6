using System.CommandLine;
using Stampede.Reports;

namespace Stampede.Tool.Commands;

/// <summary>
/// <c>stampede report run.json -o report.html</c>: renders the HTML report of a run from its saved JSON
/// document (<c>--json</c>), the same page a live run writes with <c>--html</c>.
/// </summary>
internal static class ReportCommand
{
    /// <summary>The exit code of a missing, unreadable or invalid input, or an output that cannot be written.</summary>
    public const int UsageErrorExitCode = 2;

    public static Command Create()
    {
        var document = new Argument<string>("document") { Description = "The run's JSON document, as written by --json." };
        var output = new Option<string?>("--output", "-o") { Description = "The HTML file to write (default: the document's path with .html)." };
        var command = new Command("report", "Render the self-contained HTML report of a saved run document (run.json).")
        {
            document, output,
        };
        command.SetAction((result, token) => RunAsync(result.GetValue(document)!, result.GetValue(output), Console.Out, Console.Error, token));
        return command;
    }

    /// <summary>Reads <paramref name="documentPath"/> and writes its report to <paramref name="outputPath"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string documentPath, string? outputPath, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(documentPath) || !File.Exists(documentPath))
        {
            await errors.WriteLineAsync($"error: the run document '{documentPath}' does not exist; give the path of a file written by --json (e.g. out/run.json).").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        string target = string.IsNullOrWhiteSpace(outputPath) ? Path.ChangeExtension(documentPath, ".html") : outputPath;
        if (Path.GetFullPath(target) == Path.GetFullPath(documentPath))
        {
            await errors.WriteLineAsync($"error: --output '{target}' is the run document itself; give another file, e.g. report.html.").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        RunDocument document;
        try
        {
            document = await RunDocumentReader.ReadAsync(documentPath, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            await errors.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return UsageErrorExitCode;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await errors.WriteLineAsync($"error: could not read '{documentPath}': {ex.Message}").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        try
        {
            await HtmlReportWriter.WriteAsync(document, target, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            await errors.WriteLineAsync($"error: --output '{target}' cannot be written ({ex.Message}); give a path in a writable directory.").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        await output.WriteLineAsync($"Wrote {target}").ConfigureAwait(false);
        return 0;
    }
}
