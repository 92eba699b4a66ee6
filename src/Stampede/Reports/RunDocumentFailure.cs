namespace Stampede.Reports;

/// <summary>Requests of one row that failed for one reason.</summary>
internal sealed record RunDocumentFailure
{
    /// <summary>The row's method.</summary>
    public required string Method { get; init; }

    /// <summary>The row's name.</summary>
    public required string Name { get; init; }

    /// <summary>The failure reason, e.g. <c>HTTP 503 Service Unavailable</c>.</summary>
    public required string Error { get; init; }

    /// <summary>How many requests failed so.</summary>
    public required long Occurrences { get; init; }
}

/// <summary>Exceptions thrown by user code (a task or a hook), grouped by source, type and message.</summary>
internal sealed record RunDocumentError
{
    /// <summary>Where: <c>PredictUser.Small</c>, <c>PredictUser.OnStartAsync</c>.</summary>
    public required string Source { get; init; }

    /// <summary>Exception type name.</summary>
    public required string Type { get; init; }

    /// <summary>Exception message.</summary>
    public required string Message { get; init; }

    /// <summary>The first occurrence, as <see cref="Exception.ToString"/> writes it (type, message, stack trace).</summary>
    public required string StackTrace { get; init; }

    /// <summary>Occurrences.</summary>
    public required long Count { get; init; }
}
