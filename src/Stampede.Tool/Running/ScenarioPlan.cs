namespace Stampede.Tool.Running;

/// <summary>
/// How <c>stampede run</c> builds a scenario, from its <c>#:</c> directives: in-process with Roslyn against the tool's
/// own Stampede assemblies, or, when the file needs NuGet packages, other projects or an SDK the tool does not know, as
/// a generated project built by <c>dotnet build</c>.
/// </summary>
/// <remarks>
/// <c>#:project</c> lines that point at Stampede's own projects (<c>Stampede.csproj</c>, <c>Stampede.Core.csproj</c>)
/// and <c>#:package Stampede…</c> lines are ignored: the tool's own assemblies stand in for them, so the examples in the
/// repository (<c>#:project ../src/Stampede/Stampede.csproj</c>) run from any folder.
/// </remarks>
internal sealed class ScenarioPlan
{
    /// <summary>The SDK of a file without <c>#:sdk</c>.</summary>
    public const string DefaultSdk = "Microsoft.NET.Sdk";

    /// <summary>The ASP.NET Core SDK: compiled in-process too, with its implicit usings (examples/quickstart.cs).</summary>
    public const string WebSdk = "Microsoft.NET.Sdk.Web";

    // The SDK's implicit usings (Microsoft.NET.Sdk's and Microsoft.NET.Sdk.Web's ImplicitUsings items for C#).
    private static readonly string[] DefaultUsings = ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];
    private static readonly string[] WebUsings =
    [
        "System.Net.Http.Json", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing",
        "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    private static readonly string[] StampedeProjects = ["Stampede.csproj", "Stampede.Core.csproj"];
    private static readonly string[] StampedePackages = ["Stampede", "Stampede.Core"];

    private ScenarioPlan(ScenarioSource source)
    {
        var packages = new List<ScenarioDirective>();
        var projects = new List<string>();
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var notes = new List<string>();
        string directory = Path.GetDirectoryName(source.FullPath)!;
        foreach (ScenarioDirective directive in source.Directives)
        {
            switch (directive.Kind)
            {
                case "package" when StampedePackages.Contains(directive.Name, StringComparer.OrdinalIgnoreCase):
                    notes.Add($"line {directive.Line}: #:package {directive.Value} ignored; the tool's own {directive.Name} assemblies are used.");
                    break;
                case "package":
                    packages.Add(directive);
                    break;
                case "project" when StampedeProjects.Contains(Path.GetFileName(directive.Value.TrimEnd('/', '\\')), StringComparer.OrdinalIgnoreCase):
                    notes.Add($"line {directive.Line}: #:project {directive.Value} ignored; the tool's own Stampede assemblies are used.");
                    break;
                case "project":
                    projects.Add(Path.GetFullPath(Path.Combine(directory, directive.Value)));
                    break;
                case "property":
                    (string name, string value) = directive.Property;
                    properties[name] = value;
                    break;
                case "sdk":
                    Sdk = directive.Name;
                    SdkVersion = directive.Version;
                    break;
                default:
                    notes.Add($"line {directive.Line}: #:{directive.Kind} is not a directive stampede run knows; ignored.");
                    break;
            }
        }

        Packages = packages;
        Projects = projects;
        Properties = properties;
        Notes = notes;
    }

    /// <summary>The <c>#:sdk</c> name.</summary>
    /// <value><see cref="DefaultSdk"/> without a <c>#:sdk</c> line.</value>
    public string Sdk { get; } = DefaultSdk;

    /// <summary>The <c>#:sdk Name@Version</c> version, or null.</summary>
    public string? SdkVersion { get; }

    /// <summary>The <c>#:package</c> lines other than Stampede's own.</summary>
    public IReadOnlyList<ScenarioDirective> Packages { get; }

    /// <summary>Absolute paths of the <c>#:project</c> lines other than Stampede's own.</summary>
    public IReadOnlyList<string> Projects { get; }

    /// <summary>The <c>#:property</c> lines, by name (case-insensitive, as MSBuild's); the last one of a name wins.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>What was ignored and why, one line each, for <c>--verbose</c>.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Whether the file must be built as a project (packages, other projects or another SDK) rather than in-process.</summary>
    public bool NeedsProject => Packages.Count > 0 || Projects.Count > 0 || SdkVersion is not null ||
        !(Sdk.Equals(DefaultSdk, StringComparison.OrdinalIgnoreCase) || Sdk.Equals(WebSdk, StringComparison.OrdinalIgnoreCase));

    /// <summary>The namespaces the SDK imports for the file (<c>ImplicitUsings</c>), none when <c>#:property ImplicitUsings=disable</c>.</summary>
    public IReadOnlyList<string> ImplicitUsings =>
        IsFalse("ImplicitUsings") ? []
        : Sdk.Equals(WebSdk, StringComparison.OrdinalIgnoreCase) ? [.. DefaultUsings, .. WebUsings]
        : DefaultUsings;

    /// <summary>Reads the plan of <paramref name="source"/>.</summary>
    public static ScenarioPlan For(ScenarioSource source) => new(source);

    /// <summary>A property's value, or null when the file does not set it.</summary>
    public string? Property(string name) => Properties.TryGetValue(name, out string? value) ? value : null;

    private bool IsFalse(string name) => Property(name) is { } value &&
        (value.Equals("disable", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase));
}
