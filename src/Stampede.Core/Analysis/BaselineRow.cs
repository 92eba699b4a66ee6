namespace Stampede.Analysis;

/// <summary>One row (or the aggregated row) of a <see cref="Baseline"/>.</summary>
internal sealed record BaselineRow
{
    /// <summary>HTTP method or request type; empty for the aggregated row.</summary>
    public required string Method { get; init; }

    /// <summary>Request name; <c>Aggregated</c> for the aggregated row.</summary>
    public required string Name { get; init; }

    /// <summary>Requests completed over the run.</summary>
    public required long Requests { get; init; }

    /// <summary>Of which failed.</summary>
    public required long Failures { get; init; }

    /// <summary>Requests per second over the run.</summary>
    public required double RequestsPerSecond { get; init; }

    /// <summary>Failures divided by requests, 0 to 1.</summary>
    public required double ErrorRate { get; init; }

    /// <summary>Median response time over the run, ms.</summary>
    public required double P50Ms { get; init; }

    /// <summary>95th percentile over the run, ms.</summary>
    public required double P95Ms { get; init; }

    /// <summary>99th percentile over the run, ms.</summary>
    public required double P99Ms { get; init; }

    /// <summary>Every complete second of the run, oldest first, including seconds without requests.</summary>
    public required IReadOnlyList<BaselineSecond> Seconds { get; init; }

    /// <summary>The row as a scope is written: <c>POST predict</c>, or <c>Aggregated</c>.</summary>
    public string Label => Method.Length == 0 ? Name : $"{Method} {Name}";
}
