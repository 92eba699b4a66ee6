using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Stampede.Tool.Running;

/// <summary>
/// What a scenario is compiled against: the shared frameworks this process runs on (Microsoft.NETCore.App, and
/// Microsoft.AspNetCore.App, which the Stampede library brings to any app that references it), and the Stampede
/// assemblies this process loads with their own dependencies (the files beside the tool). Not the tool itself,
/// Roslyn or the demo server, which a scenario built with <c>dotnet run</c> would not see either.
/// </summary>
internal sealed class ScenarioReferences
{
    private static readonly Lazy<ScenarioReferences> Current = new(Discover);

    private ScenarioReferences(IReadOnlyList<string> framework, string frameworkIdentity, IReadOnlyList<ReferencedAssembly> libraries, IReadOnlySet<string> hostAssemblies)
    {
        Framework = framework;
        FrameworkIdentity = frameworkIdentity;
        Libraries = libraries;
        HostAssemblies = hostAssemblies;
    }

    /// <summary>The framework assemblies (implementation assemblies of the shared frameworks this process runs on).</summary>
    public IReadOnlyList<string> Framework { get; }

    /// <summary>The framework folders and the core library's MVID: changes when the runtime is updated.</summary>
    public string FrameworkIdentity { get; }

    /// <summary><c>Stampede</c>, <c>Stampede.Core</c> and the assemblies they reference, as this process loads them.</summary>
    public IReadOnlyList<ReferencedAssembly> Libraries { get; }

    /// <summary>Simple names of every assembly this process's default load context resolves: a scenario shares these.</summary>
    public IReadOnlySet<string> HostAssemblies { get; }

    /// <summary>The references of this process, found once.</summary>
    public static ScenarioReferences ForThisProcess() => Current.Value;

    private static ScenarioReferences Discover()
    {
        string[] trusted = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

        // .../shared/Microsoft.NETCore.App/10.0.x/System.Private.CoreLib.dll: every shared framework lives under .../shared/.
        string coreDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string sharedRoot = Path.GetDirectoryName(Path.GetDirectoryName(coreDirectory)!)! + Path.DirectorySeparatorChar;
        var framework = new List<string>();
        var appLocal = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var hostAssemblies = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in trusted)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            hostAssemblies.Add(name);
            if (path.StartsWith(sharedRoot, StringComparison.Ordinal))
            {
                framework.Add(path);
            }
            else
            {
                appLocal.TryAdd(name, path);
            }
        }

        if (framework.Count == 0)
        {
            // No list of trusted assemblies (a host that does not give one): the core folder is the framework.
            framework.AddRange(Directory.GetFiles(coreDirectory, "*.dll"));
        }

        string[] frameworkFolders = [.. framework.Select(p => Path.GetDirectoryName(p)!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        string identity = string.Join('|', frameworkFolders) + '|' + typeof(object).Module.ModuleVersionId.ToString("N");
        return new ScenarioReferences(framework, identity, Closure(appLocal), hostAssemblies);
    }

    /// <summary>Stampede's two assemblies and, transitively, every app-local assembly they reference.</summary>
    private static List<ReferencedAssembly> Closure(Dictionary<string, string> appLocal)
    {
        var roots = new[] { typeof(StampedeApp).Assembly, typeof(HttpUser).Assembly };
        var pending = new Queue<(string Name, string Path)>(roots.Select(a => (a.GetName().Name!, a.Location)));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var closure = new List<ReferencedAssembly>();
        while (pending.TryDequeue(out var next))
        {
            if (!seen.Add(next.Name) || !File.Exists(next.Path))
            {
                continue;
            }

            using var stream = File.OpenRead(next.Path);
            using var pe = new PEReader(stream);
            MetadataReader metadata = pe.GetMetadataReader();
            closure.Add(new ReferencedAssembly(next.Name, next.Path, metadata.GetGuid(metadata.GetModuleDefinition().Mvid)));
            foreach (AssemblyReferenceHandle handle in metadata.AssemblyReferences)
            {
                string name = metadata.GetString(metadata.GetAssemblyReference(handle).Name);
                if (appLocal.TryGetValue(name, out string? path))
                {
                    pending.Enqueue((name, path));
                }
            }
        }

        return closure;
    }
}
