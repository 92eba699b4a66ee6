namespace Stampede.Tool.Running;

/// <summary>A scenario file read for <c>stampede run</c>: its text and its <c>#:</c> directives.</summary>
internal sealed class ScenarioSource
{
    private ScenarioSource(string fullPath, string displayPath, string text, IReadOnlyList<ScenarioDirective> directives)
    {
        FullPath = fullPath;
        DisplayPath = displayPath;
        Text = text;
        Directives = directives;
    }

    /// <summary>The file's absolute path.</summary>
    public string FullPath { get; }

    /// <summary>The path as the user gave it, for messages (<c>mine.cs:3:5: error …</c>).</summary>
    public string DisplayPath { get; }

    /// <summary>The file's text.</summary>
    public string Text { get; }

    /// <summary>The <c>#:</c> directives, in file order.</summary>
    public IReadOnlyList<ScenarioDirective> Directives { get; }

    /// <summary>The assembly name: the file's name without <c>.cs</c>, as <c>dotnet run FILE.cs</c> names it.</summary>
    public string Name => Path.GetFileNameWithoutExtension(FullPath);

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <param name="path">The scenario file, relative to the current folder or absolute.</param>
    /// <returns>The file's text and directives.</returns>
    /// <exception cref="ScenarioFileException">The file does not exist, cannot be read or does not end in <c>.cs</c>.</exception>
    public static ScenarioSource Load(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ScenarioFileException("no scenario file given; give a C# file, e.g. `stampede run scenario.cs` (`stampede new` writes one).");
        }

        string fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new ScenarioFileException($"'{path}' is a folder; give a C# scenario file in it, e.g. `stampede run {Path.Combine(path, "scenario.cs")}`.");
        }

        if (!string.Equals(Path.GetExtension(fullPath), ".cs", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScenarioFileException($"'{path}' is not a C# file; give a .cs scenario file (`stampede new` writes one).");
        }

        if (!File.Exists(fullPath))
        {
            throw new ScenarioFileException($"the scenario file '{path}' does not exist (looked for {fullPath}); `stampede new {Path.GetFileNameWithoutExtension(path)}` writes a starter one.");
        }

        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioFileException($"could not read '{path}': {ex.Message}", ex);
        }

        return new ScenarioSource(fullPath, path, text, ReadDirectives(text));
    }

    /// <summary>The <c>#:</c> lines of <paramref name="text"/>; each starts a line (leading spaces allowed).</summary>
    internal static IReadOnlyList<ScenarioDirective> ReadDirectives(string text)
    {
        var directives = new List<ScenarioDirective>();
        int lineNumber = 0;
        foreach (string rawLine in text.Split('\n'))
        {
            lineNumber++;
            string line = rawLine.Trim();
            if (!line.StartsWith("#:", StringComparison.Ordinal))
            {
                continue;
            }

            string body = line[2..].Trim();
            int space = body.IndexOfAny([' ', '\t']);
            string kind = (space < 0 ? body : body[..space]).ToLowerInvariant();
            string value = space < 0 ? string.Empty : body[(space + 1)..].Trim();
            directives.Add(new ScenarioDirective(kind, value, lineNumber));
        }

        return directives;
    }
}
