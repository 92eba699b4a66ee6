namespace Stampede.Tool.Commands;

/// <summary>A server process that <see cref="ChildServer"/> started could not be started, exited, or was not ready in time.</summary>
/// <remarks>By the time it is thrown the process is gone: <see cref="ChildServer"/> never leaves one behind.</remarks>
internal sealed class ChildServerException : Exception
{
    public ChildServerException()
    {
    }

    public ChildServerException(string message)
        : base(message)
    {
    }

    public ChildServerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The process's id, or null when it never started.</summary>
    public int? ProcessId { get; init; }
}
