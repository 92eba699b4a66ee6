namespace Stampede.Tool.Running;

/// <summary>The scenario file given to <c>stampede run</c> is missing, unreadable or not a C# file.</summary>
internal sealed class ScenarioFileException : Exception
{
    public ScenarioFileException()
    {
    }

    public ScenarioFileException(string message)
        : base(message)
    {
    }

    public ScenarioFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
