namespace Stampede.Tool.Running;

/// <summary>An assembly a scenario is compiled against.</summary>
/// <param name="Name">Its simple name, e.g. <c>Stampede.Core</c>.</param>
/// <param name="Path">Its file.</param>
/// <param name="Mvid">Its module version id: a new one for every build of it, so the cache key changes with it.</param>
internal sealed record ReferencedAssembly(string Name, string Path, Guid Mvid);
