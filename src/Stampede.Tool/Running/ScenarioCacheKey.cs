using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Stampede.Tool.Running;

/// <summary>
/// The name of a scenario's build in the cache: a SHA-256 of everything the build depends on, so an unchanged file is
/// never compiled twice and any change (the file, the tool, a Stampede assembly, the runtime) builds anew.
/// </summary>
internal static class ScenarioCacheKey
{
    /// <summary>Changes when the layout or the way of building changes, so older builds are not taken for new ones.</summary>
    private const string Format = "stampede-run-1";

    /// <summary>32 hexadecimal digits (the first 128 bits of the hash).</summary>
    public static string Compute(ScenarioSource source, ScenarioReferences references)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(references);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Assembly tool = typeof(ScenarioCacheKey).Assembly;
        Append(hash, Format);
        Append(hash, tool.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0");
        Append(hash, tool.ManifestModule.ModuleVersionId.ToString("N"));

        // The path is part of the key: the build records it for stack traces and EntryPointFilePath.
        Append(hash, source.FullPath);
        Append(hash, source.Text);
        Append(hash, references.FrameworkIdentity);
        foreach (ReferencedAssembly library in references.Libraries)
        {
            Append(hash, library.Name);
            Append(hash, library.Mvid.ToString("N"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }

    private static void Append(IncrementalHash hash, string value)
    {
        hash.AppendData(Encoding.UTF8.GetBytes(value));
        hash.AppendData([0]);
    }
}
