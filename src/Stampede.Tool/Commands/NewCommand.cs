using System.CommandLine;
using Stampede.Tool.Templates;

namespace Stampede.Tool.Commands;

/// <summary>
/// <c>stampede new [NAME] [--template T] [--output DIR] [--force]</c>: writes one commented starter scenario, NAME.cs,
/// that <c>stampede run NAME.cs</c> runs as it is; nothing else.
/// </summary>
internal static class NewCommand
{
    /// <summary>The file's name without NAME.</summary>
    public const string DefaultName = "scenario";

    /// <summary>Exit code of a bad name or template, or a file that exists (without <c>--force</c>) or cannot be written.</summary>
    public const int UsageErrorExitCode = 2;

    public static Command Create()
    {
        var name = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne, Description = $"The file to write: NAME.cs (default {DefaultName}.cs)." };
        var template = new Option<string>("--template", "-t")
        {
            Description = "The starter: http (a JSON API), images (JPEGs posted to /predict), kserve (KServe v2 inference), grpc (KServe v2 over gRPC; serve-demo --grpc-port serves it), open-model (a fixed arrival rate), llm (an OpenAI-compatible chat API, streamed; serve-demo --llm simulates one).",
            DefaultValueFactory = _ => ScenarioTemplates.DefaultName,
        };
        template.AcceptOnlyFromAmong([.. ScenarioTemplates.Names]);
        var output = new Option<string?>("--output", "-o") { Description = "The folder to write into (default: the current folder; created when missing)." };
        var force = new Option<bool>("--force") { Description = "Overwrite NAME.cs when it exists." };
        var command = new Command("new", "Write a commented starter scenario file, NAME.cs, that `stampede run` runs as it is.")
        {
            name, template, output, force,
        };
        command.SetAction((result, token) => RunAsync(
            new NewSettings(result.GetValue(name) ?? DefaultName, result.GetValue(template)!, result.GetValue(output) ?? ".", result.GetValue(force)),
            Console.Out,
            Console.Error,
            token));
        return command;
    }

    /// <summary>Writes the file; returns 0, or 2 with a message on <paramref name="errors"/>.</summary>
    public static async Task<int> RunAsync(NewSettings settings, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        if (ScenarioTemplates.Find(settings.Template) is not { } template)
        {
            await errors.WriteLineAsync($"error: --template '{settings.Template}' is not a template; give one of {string.Join(", ", ScenarioTemplates.Names)}.").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        string name = settings.Name.Trim();
        if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
        {
            await errors.WriteLineAsync($"error: NAME '{settings.Name}' is not a file name; give a name such as mine (written as mine.cs), and the folder with --output.").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        string fileName = name.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) ? name : name + ".cs";
        string path = Path.GetFullPath(Path.Combine(settings.OutputDirectory, fileName));
        string text = ScenarioTemplates.Render(template, fileName);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);

            // CreateNew: an existing file is never replaced without --force, even one that appears meanwhile.
            await using var stream = new FileStream(path, settings.Force ? FileMode.Create : FileMode.CreateNew, FileAccess.Write);
            await using var writer = new StreamWriter(stream);
            await writer.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException) when (!settings.Force && File.Exists(path))
        {
            await errors.WriteLineAsync($"error: {path} already exists; pass --force to overwrite it, or give another NAME.").ConfigureAwait(false);
            return UsageErrorExitCode;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await errors.WriteLineAsync($"error: could not write {path}: {ex.Message}").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        await output.WriteLineAsync($"Wrote {path} (template {template.Name}: {template.Description}).").ConfigureAwait(false);
        string shown = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        await output.WriteLineAsync(
            $"Try it against the demo API: run `{template.DemoCommand}` in another terminal, then\n  stampede run {shown} {template.TryFlags}").ConfigureAwait(false);
        return 0;
    }
}
