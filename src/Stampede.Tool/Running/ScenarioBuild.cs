namespace Stampede.Tool.Running;

/// <summary>The outcome of building a scenario file: the assembly to run, or the errors that stopped it.</summary>
internal sealed record ScenarioBuild
{
    /// <summary>The built assembly, in the cache folder.</summary>
    public required string AssemblyPath { get; init; }

    /// <summary>How it was built.</summary>
    public required ScenarioBuildKind Kind { get; init; }

    /// <summary>Whether the cache already held this build, so nothing was compiled.</summary>
    public bool FromCache { get; init; }

    /// <summary>Time from reading the file's key to having the assembly (or the errors), real time.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The compiler's errors and warnings; the build failed when any is an error.</summary>
    public IReadOnlyList<CompileDiagnostic> Diagnostics { get; init; } = [];

    /// <summary>What <c>dotnet build</c> printed when it failed without a compile error to show (a package restore that failed).</summary>
    public string? BuildOutput { get; init; }

    /// <summary>Whether the assembly was built and can be run.</summary>
    public bool Succeeded => BuildOutput is null && !Diagnostics.Any(d => d.IsError);
}
