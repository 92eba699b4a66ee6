using System.CommandLine;
using System.Globalization;
using Stampede.Tool.Running;

namespace Stampede.Tool.Commands;

/// <summary>
/// <c>stampede run FILE.cs [flags]</c>: compiles a scenario file against the tool's own Stampede assemblies (cached by
/// the file's content) and runs it in this process with every flag after the file, as <c>dotnet run FILE.cs -- flags</c>
/// would run it; the scenario's exit code is the command's. See docs/run-and-new.md.
/// </summary>
internal static class RunCommand
{
    /// <summary>The command's name.</summary>
    public const string Name = "run";

    /// <summary>Exit code of a missing or wrong file, or one that does not compile.</summary>
    public const int UsageErrorExitCode = 2;

    private const string VerboseFlag = "--verbose";
    private const string VerboseAlias = "-v";
    private const string RebuildFlag = "--rebuild";

    /// <summary>The command as help shows it; <see cref="TrySplit"/> reads its command lines before the parser does.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The scenario: a C# file with top-level statements that call StampedeApp.RunAsync (`stampede new` writes one)." };
        var flags = new Argument<string[]>("scenario-flags") { Arity = ArgumentArity.ZeroOrMore, Description = "Everything after FILE goes to the scenario unchanged: --host, --users, --run-time, --headless, --json …" };
        var verbose = new Option<bool>(VerboseFlag, VerboseAlias) { Description = "Say how the file was built (or found in the cache) and how long it took. Give it before FILE." };
        var rebuild = new Option<bool>(RebuildFlag) { Description = "Compile even when the cache holds this file's build. Give it before FILE." };
        var command = new Command(Name, "Compile a scenario file (cached) against this tool's Stampede and run it; flags after FILE go to the scenario.")
        {
            file, flags, verbose, rebuild,
        };
        command.SetAction((result, token) => RunAsync(
            new RunSettings(result.GetValue(file)!, result.GetValue(flags) ?? [], result.GetValue(verbose), result.GetValue(rebuild)), Console.Error, token));
        return command;
    }

    /// <summary>
    /// Reads <c>run [--verbose] [--rebuild] FILE [flags…]</c> without the parser, so that every flag after FILE, even
    /// <c>--help</c> or <c>-v</c>, reaches the scenario unchanged (a <c>--</c> right after FILE is dropped, as <c>dotnet run</c> drops it).
    /// </summary>
    /// <returns>The settings, or null when the command line is not a run of a file (help, no file, an unknown option before it).</returns>
    public static RunSettings? TrySplit(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count < 2 || args[0] != Name)
        {
            return null;
        }

        bool verbose = false;
        bool rebuild = false;
        int index = 1;
        for (; index < args.Count && args[index].StartsWith('-'); index++)
        {
            switch (args[index])
            {
                case VerboseFlag or VerboseAlias:
                    verbose = true;
                    break;
                case RebuildFlag:
                    rebuild = true;
                    break;
                default:
                    return null;
            }
        }

        if (index >= args.Count)
        {
            return null;
        }

        string file = args[index];
        int first = index + 1 < args.Count && args[index + 1] == "--" ? index + 2 : index + 1;
        return new RunSettings(file, [.. args.Skip(first)], verbose, rebuild);
    }

    /// <summary>Builds the file (or takes its build from the cache) and runs it; returns the scenario's exit code, or 2.</summary>
    public static async Task<int> RunAsync(RunSettings settings, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(errors);
        if (settings.File.StartsWith('-'))
        {
            await errors.WriteLineAsync($"error: run: '{settings.File}' is not an option of run ({VerboseFlag}, {RebuildFlag}); give the scenario file first, and the scenario's flags after it.").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        ScenarioSource source;
        try
        {
            source = ScenarioSource.Load(settings.File);
        }
        catch (ScenarioFileException ex)
        {
            await errors.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        var options = new ScenarioBuildOptions
        {
            CacheDirectory = settings.CacheDirectory ?? ScenarioBuildOptions.DefaultCacheDirectory(),
            Rebuild = settings.Rebuild,
            Log = settings.Verbose ? errors : null,
        };
        ScenarioBuild build = await ScenarioCompiler.BuildAsync(source, options, cancellationToken).ConfigureAwait(false);
        if (!build.Succeeded)
        {
            await ReportFailureAsync(source, build, errors).ConfigureAwait(false);
            return UsageErrorExitCode;
        }

        if (settings.Verbose)
        {
            await ReportBuildAsync(source, build, errors).ConfigureAwait(false);
        }

        try
        {
            return await ScenarioRunner.RunAsync(build, source, settings.ScenarioArguments).ConfigureAwait(false);
        }
        catch (ScenarioFileException ex)
        {
            await errors.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return UsageErrorExitCode;
        }
    }

    private static async Task ReportFailureAsync(ScenarioSource source, ScenarioBuild build, TextWriter errors)
    {
        CompileDiagnostic[] failures = [.. build.Diagnostics.Where(d => d.IsError)];
        foreach (CompileDiagnostic error in failures)
        {
            await errors.WriteLineAsync(CompileDiagnosticFormatter.Format(error)).ConfigureAwait(false);
        }

        if (build.BuildOutput is { } output)
        {
            await errors.WriteLineAsync($"error: dotnet build of {source.DisplayPath} failed:").ConfigureAwait(false);
            await errors.WriteLineAsync(output.TrimEnd()).ConfigureAwait(false);
        }

        string count = failures.Length == 1 ? "1 error" : $"{failures.Length} errors";
        await errors.WriteLineAsync($"{source.DisplayPath} did not compile ({(failures.Length > 0 ? count : "see above")}); nothing was run.").ConfigureAwait(false);
    }

    private static async Task ReportBuildAsync(ScenarioSource source, ScenarioBuild build, TextWriter errors)
    {
        foreach (CompileDiagnostic warning in build.Diagnostics.Where(d => !d.IsError))
        {
            await errors.WriteLineAsync(CompileDiagnosticFormatter.Format(warning)).ConfigureAwait(false);
        }

        string how = build switch
        {
            { FromCache: true } => "unchanged: took its build from the cache",
            { Kind: ScenarioBuildKind.Project } => "built with dotnet build",
            _ => "compiled in-process (Roslyn)",
        };
        await errors.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"stampede run: {source.DisplayPath} {how} in {build.Elapsed.TotalSeconds:0.000} s: {build.AssemblyPath}")).ConfigureAwait(false);
    }
}
