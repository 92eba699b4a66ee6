using Stampede.Analysis;

namespace Stampede.Reports;

/// <summary><c>analysis.coldStart</c>: what a cold start of the target cost (see <see cref="ColdStartAnalysis"/>).</summary>
internal sealed record RunDocumentColdStart
{
    /// <summary>The command that started the target.</summary>
    public string? Command { get; init; }

    /// <summary>The URL that had to answer 2xx.</summary>
    public string? ReadyUrl { get; init; }

    /// <summary>Seconds from spawn to ready, one per start.</summary>
    public required IReadOnlyList<double> ReadySeconds { get; init; }

    /// <summary>The method of the row the headline numbers are of (the first request sent after the first start); null when none was sent.</summary>
    public string? Method { get; init; }

    /// <summary>The name of that row.</summary>
    public string? Name { get; init; }

    /// <summary>That row's first request after ready, ms, one per start (null for a start without one).</summary>
    public required IReadOnlyList<double?> FirstRequestMs { get; init; }

    /// <summary>That row's p50 over the main run after the warm-up, ms.</summary>
    public double? SteadyP50Ms { get; init; }

    /// <summary>The median of <see cref="FirstRequestMs"/> minus <see cref="SteadyP50Ms"/>, ms.</summary>
    public double? PenaltyMs { get; init; }

    /// <summary>Whole seconds at the start of the main run kept out of the steady statistics.</summary>
    public required long WarmupSeconds { get; init; }

    /// <summary>Every row's requests in the warm-up; absent without one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public RunDocumentColdStartWindow? Warmup { get; init; }

    /// <summary>Every row's requests after the warm-up.</summary>
    public required RunDocumentColdStartWindow Steady { get; init; }

    /// <summary>Every row the first-request probes touched.</summary>
    public required IReadOnlyList<RunDocumentColdStartRow> Rows { get; init; }

    /// <summary>The verdict in one sentence.</summary>
    public required string Summary { get; init; }

    /// <summary>The document form of <paramref name="analysis"/>.</summary>
    public static RunDocumentColdStart From(ColdStartAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        return new RunDocumentColdStart
        {
            Command = analysis.Command,
            ReadyUrl = analysis.ReadyUrl,
            ReadySeconds = [.. analysis.ReadySeconds],
            Method = analysis.Row?.Method,
            Name = analysis.Row?.Name,
            FirstRequestMs = [.. analysis.FirstRequestMs],
            SteadyP50Ms = analysis.SteadyP50Ms,
            PenaltyMs = analysis.PenaltyMs,
            WarmupSeconds = analysis.WarmupSeconds,
            Warmup = analysis.Warmup is { } w ? RunDocumentColdStartWindow.From(w) : null,
            Steady = RunDocumentColdStartWindow.From(analysis.Steady),
            Rows = [.. analysis.Rows.Select(r => new RunDocumentColdStartRow
            {
                Method = r.Key.Method,
                Name = r.Key.Name,
                FirstRequestMs = [.. r.FirstRequestMs],
                SteadyP50Ms = r.SteadyP50Ms,
                SteadyRequests = r.SteadyRequests,
                PenaltyMs = r.PenaltyMs,
            })],
            Summary = analysis.Summary,
        };
    }
}
