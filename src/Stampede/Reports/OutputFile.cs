namespace Stampede.Reports;

/// <summary>What every output file needs before it is written.</summary>
internal static class OutputFile
{
    /// <summary>The path an output was given, checked: an exporter takes it at construction, so a bad one fails before the run.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static string Validate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return path;
    }

    /// <summary>Creates the folder <paramref name="path"/> goes in (and its parents) when it is not there yet.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static void EnsureDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
