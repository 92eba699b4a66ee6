namespace Stampede.Tool.Running;

/// <summary>How a scenario was built.</summary>
internal enum ScenarioBuildKind
{
    /// <summary>Compiled in the tool's process with Roslyn, against the tool's own Stampede assemblies.</summary>
    InProcess,

    /// <summary>Built by <c>dotnet build</c> as a generated project (the file has <c>#:package</c> or other <c>#:project</c> lines).</summary>
    Project,
}
