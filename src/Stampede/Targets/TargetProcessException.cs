namespace Stampede.Targets;

/// <summary>The target's command could not be started, exited before it was ready, or was not ready in time.</summary>
/// <remarks>By the time it is thrown the whole process group is gone: <see cref="TargetProcess"/> never leaves one behind.</remarks>
internal sealed class TargetProcessException : Exception
{
    public TargetProcessException()
    {
    }

    public TargetProcessException(string message)
        : base(message)
    {
    }

    public TargetProcessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The process's id (the leader of its group), or null when it never started.</summary>
    public int? ProcessId { get; init; }

    /// <summary>The process's exit code when it exited before it was ready; null otherwise.</summary>
    public int? ExitCode { get; init; }
}
