using Stampede.Analysis;

namespace Stampede.Reports;

/// <summary><c>analysis.coldStart.warmup</c> and <c>.steady</c>: every row's requests in a span of history seconds.</summary>
internal sealed record RunDocumentColdStartWindow
{
    /// <summary>The span's first history second.</summary>
    public required long FromSecond { get; init; }

    /// <summary>The history second after its last (exclusive).</summary>
    public required long ToSecond { get; init; }

    /// <summary>Requests completed in the span.</summary>
    public required long Requests { get; init; }

    /// <summary>Of those, failures.</summary>
    public required long Failures { get; init; }

    /// <summary>Their p50, ms; null without requests.</summary>
    public double? P50Ms { get; init; }

    /// <summary>Their p95, ms; null without requests.</summary>
    public double? P95Ms { get; init; }

    /// <summary>The document form of <paramref name="window"/>.</summary>
    public static RunDocumentColdStartWindow From(ColdStartWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return new RunDocumentColdStartWindow
        {
            FromSecond = window.FromSecond,
            ToSecond = window.ToSecond,
            Requests = window.Requests,
            Failures = window.Failures,
            P50Ms = window.P50Ms,
            P95Ms = window.P95Ms,
        };
    }
}
