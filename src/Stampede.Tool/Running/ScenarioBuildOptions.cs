namespace Stampede.Tool.Running;

/// <summary>Where and how <see cref="ScenarioCompiler"/> builds scenario files.</summary>
internal sealed class ScenarioBuildOptions
{
    /// <summary>The environment variable that moves Stampede's cache folder.</summary>
    public const string CacheDirectoryVariable = "STAMPEDE_CACHE_DIR";

    /// <summary>The folder that holds one sub-folder per build, named by its cache key.</summary>
    /// <value><see cref="DefaultCacheDirectory"/>.</value>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory();

    /// <summary>Build even when the cache holds a build of the same key.</summary>
    /// <value><see langword="false"/>.</value>
    public bool Rebuild { get; init; }

    /// <summary>Where build progress and timings go (<c>--verbose</c>); null = nowhere.</summary>
    /// <value><see langword="null"/>.</value>
    public TextWriter? Log { get; init; }

    /// <summary>
    /// <c>$STAMPEDE_CACHE_DIR/run</c> when that is set; otherwise the user's cache folder: <c>$XDG_CACHE_HOME/stampede/run</c>
    /// or <c>~/.cache/stampede/run</c> on Linux, <c>~/Library/Caches/stampede/run</c> on macOS,
    /// <c>%LOCALAPPDATA%\Stampede\cache\run</c> on Windows.
    /// </summary>
    public static string DefaultCacheDirectory()
    {
        if (Environment.GetEnvironmentVariable(CacheDirectoryVariable) is { Length: > 0 } configured)
        {
            return Path.Combine(Path.GetFullPath(configured), "run");
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Stampede", "cache", "run");
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS())
        {
            return Path.Combine(home, "Library", "Caches", "stampede", "run");
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = xdg is { Length: > 0 } && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".cache");
        return Path.Combine(root, "stampede", "run");
    }
}
