using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Stampede.Tool.Running;

/// <summary>
/// Builds a scenario that needs what the tool cannot compile in-process (<c>#:package</c>, another <c>#:project</c>, an
/// unknown <c>#:sdk</c>): a project generated in the cache folder, referencing the tool's own Stampede assemblies
/// (not copied: the run shares the tool's loaded ones) plus each package and project, built with <c>dotnet build</c>.
/// </summary>
internal static partial class ProjectScenarioBuilder
{
    /// <summary>The file written once a build succeeded; a folder without it is built again.</summary>
    public const string CompleteMarker = "build.complete";

    /// <summary>Generates and builds the project in <paramref name="folder"/>; the assembly lands in <c>folder/bin</c>.</summary>
    /// <returns>The assembly's path, or null with the errors (or the build's output when it printed none in the compiler's format).</returns>
    public static async Task<(string? AssemblyPath, IReadOnlyList<CompileDiagnostic> Diagnostics, string? Output)> BuildAsync(
        ScenarioSource source, ScenarioPlan plan, ScenarioReferences references, string folder, string assemblyName, TextWriter? log, CancellationToken cancellationToken)
    {
        string projectFolder = Path.Combine(folder, "project");
        string outputFolder = Path.Combine(folder, "bin");
        Directory.CreateDirectory(projectFolder);
        string projectPath = Path.Combine(projectFolder, assemblyName + ".csproj");
        await File.WriteAllTextAsync(projectPath, Project(source, plan, references, assemblyName).ToString(), cancellationToken).ConfigureAwait(false);

        // Empty files here stop MSBuild from importing Directory.*.props/targets of the folders above the cache.
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            await File.WriteAllTextAsync(Path.Combine(projectFolder, name), "<Project />\n", cancellationToken).ConfigureAwait(false);
        }

        if (log is not null)
        {
            await log.WriteLineAsync($"stampede run: {source.DisplayPath} needs a project build ({Reason(plan)}); dotnet build {projectPath}").ConfigureAwait(false);
        }

        (int exitCode, string output) = await DotnetBuildAsync(projectPath, outputFolder, cancellationToken).ConfigureAwait(false);
        string assemblyPath = Path.Combine(outputFolder, assemblyName + ".dll");
        if (exitCode == 0 && File.Exists(assemblyPath))
        {
            await File.WriteAllTextAsync(Path.Combine(folder, CompleteMarker), DateTime.UtcNow.ToString("O"), cancellationToken).ConfigureAwait(false);
            return (assemblyPath, Diagnostics(output, source, errorsOnly: false), null);
        }

        IReadOnlyList<CompileDiagnostic> errors = Diagnostics(output, source, errorsOnly: true);
        return (null, errors, errors.Count > 0 ? null : output);
    }

    /// <summary>The generated project: the SDK's file-based-app defaults, the file's properties, its packages and projects.</summary>
    internal static XElement Project(ScenarioSource source, ScenarioPlan plan, ScenarioReferences references, string assemblyName)
    {
        var properties = new XElement("PropertyGroup",
            new XElement("OutputType", "Exe"),
            new XElement("TargetFramework", "net10.0"),
            new XElement("ImplicitUsings", "enable"),
            new XElement("Nullable", "enable"),
            new XElement("Features", "$(Features);FileBasedProgram"),
            new XElement("AssemblyName", assemblyName),
            new XElement("EnableDefaultItems", "false"),
            new XElement("ManagePackageVersionsCentrally", "false"),
            new XElement("SatelliteResourceLanguages", "en"));
        foreach ((string name, string value) in plan.Properties)
        {
            if (IsPropertyName(name))
            {
                properties.Add(new XElement(name, value));
            }
        }

        var items = new XElement("ItemGroup", new XElement("Compile", new XAttribute("Include", source.FullPath)));
        var referencesGroup = new XElement("ItemGroup", new XElement("FrameworkReference", new XAttribute("Include", "Microsoft.AspNetCore.App")));
        foreach (ReferencedAssembly library in references.Libraries)
        {
            referencesGroup.Add(new XElement("Reference", new XAttribute("Include", library.Path), new XElement("Private", "false")));
        }

        foreach (ScenarioDirective package in plan.Packages)
        {
            referencesGroup.Add(new XElement("PackageReference", new XAttribute("Include", package.Name), new XAttribute("Version", package.Version ?? "*")));
        }

        foreach (string project in plan.Projects)
        {
            referencesGroup.Add(new XElement("ProjectReference", new XAttribute("Include", project)));
        }

        string sdk = plan.SdkVersion is { } version ? $"{plan.Sdk}/{version}" : plan.Sdk;
        return new XElement("Project", new XAttribute("Sdk", sdk), properties, items, referencesGroup);
    }

    private static string Reason(ScenarioPlan plan) =>
        plan.Packages.Count > 0 ? "#:package " + string.Join(", ", plan.Packages.Select(p => p.Value))
        : plan.Projects.Count > 0 ? "#:project " + string.Join(", ", plan.Projects)
        : "#:sdk " + plan.Sdk;

    private static bool IsPropertyName(string name) => name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.');

    private static async Task<(int ExitCode, string Output)> DotnetBuildAsync(string projectPath, string outputFolder, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetPath())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "build", projectPath, "-c", "Release", "-o", outputFolder, "-nologo", "-v:q", "-clp:NoSummary", "-tl:off" })
        {
            start.ArgumentList.Add(argument);
        }

        // A parent `dotnet test` or `dotnet run` leaves MSBuild's own locations in the environment; the child finds its own.
        foreach (string variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var output = new StringBuilder();
        Task stdout = CopyAsync(process.StandardOutput, output);
        Task stderr = CopyAsync(process.StandardError, output);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        return (process.ExitCode, output.ToString());
    }

    private static async Task CopyAsync(StreamReader reader, StringBuilder into)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (into)
            {
                into.AppendLine(line);
            }
        }
    }

    /// <summary>
    /// The dotnet host this runtime belongs to (…/dotnet beside …/shared/Microsoft.NETCore.App/10.0.x), where an SDK is
    /// installed beside it; DOTNET_HOST_PATH first, as the SDK sets it for the tools it starts; else dotnet on PATH.
    /// </summary>
    internal static string DotnetPath()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        string root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        string candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    /// <summary>The errors (and warnings) in MSBuild's output: <c>path(line,col): error CS1002: message [project]</c> or <c>path : error NU1101: …</c>.</summary>
    internal static IReadOnlyList<CompileDiagnostic> Diagnostics(string output, ScenarioSource source, bool errorsOnly)
    {
        string[] lines = source.Text.Split('\n');
        var diagnostics = new List<CompileDiagnostic>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string rawLine in output.Split('\n'))
        {
            string line = rawLine.TrimEnd('\r').Trim();
            Match match = LocatedDiagnostic().Match(line);
            if (!match.Success)
            {
                match = ProjectDiagnostic().Match(line);
            }

            if (!match.Success || (errorsOnly && match.Groups["severity"].Value != "error") || !seen.Add(line))
            {
                continue;
            }

            string path = match.Groups["path"].Value.Trim();
            bool inSource = string.Equals(path, source.FullPath, StringComparison.Ordinal);
            int lineNumber = match.Groups["line"].Success ? int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            int column = match.Groups["column"].Success ? int.Parse(match.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            string? sourceLine = inSource && lineNumber > 0 && lineNumber <= lines.Length ? lines[lineNumber - 1] : null;

            // Errors of the generated project (a package that cannot be restored) are the file's errors to its user.
            string shownPath = inSource || path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) ? source.DisplayPath : path;
            diagnostics.Add(new CompileDiagnostic(shownPath, lineNumber, column, match.Groups["severity"].Value, match.Groups["id"].Value, match.Groups["message"].Value.Trim(), sourceLine));
        }

        return diagnostics;
    }

    [GeneratedRegex(@"^(?<path>.+?)\((?<line>\d+),(?<column>\d+)\): (?<severity>error|warning) (?<id>[A-Za-z]+\d+): (?<message>.*?)(?: \[[^\]]*\])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LocatedDiagnostic();

    [GeneratedRegex(@"^(?<path>.+?) : (?<severity>error|warning) (?<id>[A-Za-z]+\d+): (?<message>.*?)(?: \[[^\]]*\])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectDiagnostic();
}
