using System.Reflection;
using System.Runtime.Loader;

namespace Stampede.Tool.Running;

/// <summary>
/// The load context of one scenario assembly. Whatever the tool's process already resolves (the framework, Stampede and
/// its dependencies) comes from the default context, so the scenario's <c>HttpUser</c> is the tool's <c>HttpUser</c>;
/// anything else (a <c>#:package</c>'s assemblies and native libraries) from the scenario's build output.
/// </summary>
/// <remarks>A context of its own also lets a file named like a loaded assembly, or two scenarios in one process, load side by side.</remarks>
internal sealed class ScenarioLoadContext : AssemblyLoadContext
{
    private readonly IReadOnlySet<string> _shared;
    private readonly AssemblyDependencyResolver? _resolver;

    /// <summary>Creates the context of the assembly at <paramref name="assemblyPath"/>.</summary>
    /// <param name="assemblyPath">The scenario assembly.</param>
    /// <param name="shared">Simple names the default context resolves.</param>
    /// <param name="hasDependencies">Whether the assembly has a deps.json of its own (a project build) to resolve the rest from.</param>
    public ScenarioLoadContext(string assemblyPath, IReadOnlySet<string> shared, bool hasDependencies)
        : base("stampede scenario " + Path.GetFileNameWithoutExtension(assemblyPath), isCollectible: false)
    {
        _shared = shared;
        _resolver = hasDependencies ? new AssemblyDependencyResolver(assemblyPath) : null;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is { } name && _shared.Contains(name))
        {
            return null;
        }

        return _resolver?.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver?.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
