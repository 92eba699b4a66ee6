namespace Stampede.Tool.Running;

/// <summary>
/// One <c>#:</c> line of a file-based app (<c>#:package Name@Version</c>, <c>#:project PATH</c>,
/// <c>#:property Name=Value</c>, <c>#:sdk Name</c>), as the .NET SDK reads them before any C# code.
/// </summary>
/// <param name="Kind">The word after <c>#:</c>, lower-case: <c>package</c>, <c>project</c>, <c>property</c>, <c>sdk</c>, or another.</param>
/// <param name="Value">The rest of the line, trimmed.</param>
/// <param name="Line">The 1-based line number in the file.</param>
internal sealed record ScenarioDirective(string Kind, string Value, int Line)
{
    /// <summary>The name of a <c>package</c> or <c>sdk</c> directive: what comes before <c>@</c>.</summary>
    public string Name => Value.Split('@', 2)[0].Trim();

    /// <summary>The version of a <c>package</c> or <c>sdk</c> directive (after <c>@</c>), or null when none is given.</summary>
    public string? Version => Value.Split('@', 2) is [_, var version] && version.Trim().Length > 0 ? version.Trim() : null;

    /// <summary>
    /// A <c>property</c> directive as name and value: <c>Name=Value</c> (the SDK's form) or <c>Name Value</c>.
    /// </summary>
    public (string Name, string Value) Property
    {
        get
        {
            int separator = Value.IndexOfAny(['=', ' ']);
            return separator < 0 ? (Value, string.Empty) : (Value[..separator].Trim(), Value[(separator + 1)..].Trim());
        }
    }
}
