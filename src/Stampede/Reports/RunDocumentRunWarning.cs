namespace Stampede.Reports;

/// <summary>One warning about the run itself (<c>warnings[]</c>): an unreachable target, a scoped threshold without its row.</summary>
internal sealed record RunDocumentRunWarning
{
    /// <summary>Seconds since the start of the run.</summary>
    public required double AtSeconds { get; init; }

    /// <summary><c>targetUnreachable</c>, <c>sloRowMissing</c> or <c>fileLimit</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>What happened, its likely cause and what to do.</summary>
    public required string Message { get; init; }
}
