namespace Stampede.Tool.Templates;

/// <summary>A starter scenario file that <c>stampede new</c> writes.</summary>
/// <param name="Name">The name given to <c>--template</c>.</param>
/// <param name="Description">One line for help and for the message after writing it.</param>
/// <param name="TryFlags">The flags after <c>stampede run FILE</c> that try it (against <c>stampede serve-demo</c> where it can).</param>
internal sealed record ScenarioTemplate(string Name, string Description, string TryFlags)
{
    /// <summary>The <c>stampede serve-demo</c> command line the template runs against as written.</summary>
    /// <value><c>stampede serve-demo</c>; with <c>--llm</c> for the LLM starter, which needs the simulator.</value>
    public string DemoCommand { get; init; } = "stampede serve-demo";
}
