using System.Diagnostics;

namespace Stampede.Tool.Running;

/// <summary>
/// Builds a scenario file into an assembly in the cache, or finds it there: in-process with Roslyn when the file needs
/// nothing but Stampede and the framework, otherwise as a generated project (<see cref="ProjectScenarioBuilder"/>).
/// </summary>
internal static class ScenarioCompiler
{
    /// <summary>Builds <paramref name="source"/>, or takes its build from the cache when its key is there.</summary>
    public static async Task<ScenarioBuild> BuildAsync(ScenarioSource source, ScenarioBuildOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        ScenarioPlan plan = ScenarioPlan.For(source);
        ScenarioReferences references = ScenarioReferences.ForThisProcess();
        string key = ScenarioCacheKey.Compute(source, references);
        string folder = Path.Combine(options.CacheDirectory, key);
        string assemblyName = AssemblyName(source, references);
        ScenarioBuildKind kind = plan.NeedsProject ? ScenarioBuildKind.Project : ScenarioBuildKind.InProcess;
        string assemblyPath = kind == ScenarioBuildKind.Project ? Path.Combine(folder, "bin", assemblyName + ".dll") : Path.Combine(folder, assemblyName + ".dll");
        if (options.Log is { } log)
        {
            foreach (string note in plan.Notes)
            {
                await log.WriteLineAsync($"stampede run: {source.DisplayPath} {note}").ConfigureAwait(false);
            }
        }

        bool cached = File.Exists(assemblyPath) && (kind == ScenarioBuildKind.InProcess || File.Exists(Path.Combine(folder, ProjectScenarioBuilder.CompleteMarker)));
        if (cached && !options.Rebuild)
        {
            return new ScenarioBuild { AssemblyPath = assemblyPath, Kind = kind, FromCache = true, Elapsed = clock.Elapsed };
        }

        if (kind == ScenarioBuildKind.Project)
        {
            (string? built, IReadOnlyList<CompileDiagnostic> projectDiagnostics, string? output) =
                await ProjectScenarioBuilder.BuildAsync(source, plan, references, folder, assemblyName, options.Log, cancellationToken).ConfigureAwait(false);
            return new ScenarioBuild { AssemblyPath = built ?? assemblyPath, Kind = kind, Diagnostics = projectDiagnostics, BuildOutput = output, Elapsed = clock.Elapsed };
        }

        (byte[]? image, IReadOnlyList<CompileDiagnostic> diagnostics) = RoslynScenarioCompiler.Compile(source, plan, references, assemblyName);
        if (image is not null)
        {
            // Written beside and moved into place, so a run that is stopped, or another one at the same time, never finds half an assembly.
            Directory.CreateDirectory(folder);
            string partial = assemblyPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllBytesAsync(partial, image, cancellationToken).ConfigureAwait(false);
            File.Move(partial, assemblyPath, overwrite: true);
        }

        return new ScenarioBuild { AssemblyPath = assemblyPath, Kind = kind, Diagnostics = diagnostics, Elapsed = clock.Elapsed };
    }

    /// <summary>
    /// The file's name, as <c>dotnet run FILE.cs</c> names its assembly, unless that is the name of an assembly the tool
    /// loads (a file called Stampede.cs): then with <c>.Scenario</c> after it.
    /// </summary>
    private static string AssemblyName(ScenarioSource source, ScenarioReferences references) =>
        references.HostAssemblies.Contains(source.Name) ? source.Name + ".Scenario" : source.Name;
}
