namespace Stampede.Tool.Commands;

/// <summary>What <c>stampede run</c> was asked for.</summary>
/// <param name="File">The scenario file, as given.</param>
/// <param name="ScenarioArguments">Everything after the file, passed to the scenario unchanged.</param>
/// <param name="Verbose">Print how the file was built and how long it took.</param>
/// <param name="Rebuild">Compile even when the cache holds the file's build.</param>
internal sealed record RunSettings(string File, IReadOnlyList<string> ScenarioArguments, bool Verbose = false, bool Rebuild = false)
{
    /// <summary>The cache folder; null = the default (<see cref="Running.ScenarioBuildOptions.DefaultCacheDirectory"/>).</summary>
    public string? CacheDirectory { get; init; }
}
