using System.CommandLine;
using Stampede.Reports;

namespace Stampede.Tool.Commands;

/// <summary>
/// <c>stampede report run.json -o report.html</c>: renders the HTML report of a run from its saved JSON
/// document (<c>--json</c>), the same page a live run writes with <c>--html</c>; or rebuilds a killed run from its
/// journal (<c>run.json.partial</c>) into a report and, with <c>--json</c>, a document.
/// </summary>
internal static class ReportCommand
{
    /// <summary>The exit code of a missing, unreadable or invalid input, or an output that cannot be written.</summary>
    public const int UsageErrorExitCode = 2;

    public static Command Create()
    {
        var document = new Argument<string>("document") { Description = "The run's JSON document, as written by --json, or the journal of a run that was killed (run.json.partial)." };
        var output = new Option<string?>("--output", "-o") { Description = "The HTML file to write (default: the document's path with .html, unless only --json is given)." };
        var json = new Option<string?>("--json") { Description = "Also write the run as a JSON document (a killed run's journal rebuilt into one)." };
        var command = new Command("report", "Render the self-contained HTML report of a saved run document (run.json) or of a killed run's journal (run.json.partial).")
        {
            document, output, json,
        };
        command.SetAction((result, token) => RunAsync(result.GetValue(document)!, result.GetValue(output), Console.Out, Console.Error, token, result.GetValue(json)));
        return command;
    }

    /// <summary>Reads <paramref name="documentPath"/> (a document or a journal) and writes its report to <paramref name="outputPath"/> and its document to <paramref name="jsonPath"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string documentPath, string? outputPath, TextWriter output, TextWriter errors, CancellationToken cancellationToken, string? jsonPath = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(documentPath) || !File.Exists(documentPath))
        {
            await errors.WriteLineAsync($"error: the run document '{documentPath}' does not exist; give the path of a file written by --json (e.g. out/run.json).").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        // A journal's default report drops ".partial" as well: run.json.partial renders to run.html.
        string source = documentPath.EndsWith(RunJournal.Extension, StringComparison.Ordinal) ? documentPath[..^RunJournal.Extension.Length] : documentPath;
        string? target = !string.IsNullOrWhiteSpace(outputPath) ? outputPath : jsonPath is null ? Path.ChangeExtension(source, ".html") : null;
        foreach ((string flag, string? path) in new[] { ("--output", target), ("--json", jsonPath) })
        {
            if (path is not null && Path.GetFullPath(path) == Path.GetFullPath(documentPath))
            {
                await errors.WriteLineAsync($"error: {flag} '{path}' is the run document itself; give another file, e.g. {(flag == "--json" ? "run.json" : "report.html")}.").ConfigureAwait(false);
                return UsageErrorExitCode;
            }
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

        if (document.Run.Interrupted)
        {
            await output.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Rebuilt an interrupted run from its journal: {document.History.Count} seconds, {document.Aggregated.Requests} requests.")).ConfigureAwait(false);
        }

        foreach ((string flag, string? path) in new[] { ("--output", target), ("--json", jsonPath) })
        {
            if (path is null)
            {
                continue;
            }

            try
            {
                await (flag == "--json" ? RunDocumentWriter.WriteAsync(document, path, cancellationToken) : HtmlReportWriter.WriteAsync(document, path, cancellationToken)).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                await errors.WriteLineAsync($"error: '{documentPath}' cannot be rendered: {ex.Message}.").ConfigureAwait(false);
                return UsageErrorExitCode;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                await errors.WriteLineAsync($"error: {flag} '{path}' cannot be written ({ex.Message}); give a path in a writable directory.").ConfigureAwait(false);
                return UsageErrorExitCode;
            }

            await output.WriteLineAsync($"Wrote {path}").ConfigureAwait(false);
        }

        return 0;
    }
}
