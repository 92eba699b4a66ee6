namespace Stampede.Tool.Templates;

/// <summary>A starter scenario file that <c>stampede new</c> writes.</summary>
/// <param name="Name">The name given to <c>--template</c>.</param>
/// <param name="Description">One line for help and for the message after writing it.</param>
/// <param name="TryFlags">The flags after <c>stampede run FILE</c> that try it (against <c>stampede serve-demo</c> where it can).</param>
internal sealed record ScenarioTemplate(string Name, string Description, string TryFlags)
{
    /// <summary>Whether the template runs against <c>stampede serve-demo</c> as written.</summary>
    public bool RunsAgainstDemo { get; init; } = true;
}
