using System.Text.Json.Serialization;

namespace Stampede.Reports;

/// <summary>One series' drift over the run (<c>analysis.drift[]</c>, see <see cref="Analysis.DriftSeries"/>); docs/json-schema.md.</summary>
internal sealed record RunDocumentDrift
{
    /// <summary><c>p95</c>, <c>rps</c>, or a memory series' name with its labels.</summary>
    public required string Series { get; init; }

    /// <summary><c>latency</c>, <c>throughput</c> or <c>memory</c>.</summary>
    public required string Metric { get; init; }

    /// <summary>The row of a latency or throughput series (<c>POST predict</c>, <c>Aggregated</c>); absent for memory.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Row { get; init; }

    /// <summary>The source of a memory series; absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; init; }

    /// <summary>The unit of the values, slopes and changes: <c>ms</c>, <c>requests/s</c>, <c>bytes</c>.</summary>
    public required string Unit { get; init; }

    /// <summary><c>rising</c>, <c>falling</c> or <c>stable</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>The Theil–Sen slope, unit per minute.</summary>
    public required double SlopePerMinute { get; init; }

    /// <summary>The lower end of the slope's 95% interval (Sen's method), unit per minute.</summary>
    public required double SlopeLow { get; init; }

    /// <summary>The upper end of the slope's 95% interval, unit per minute.</summary>
    public required double SlopeHigh { get; init; }

    /// <summary>The slope times the judged window's length, in the unit.</summary>
    public required double ChangeOverRun { get; init; }

    /// <summary>The change as a percentage of the median; null when the median is 0.</summary>
    public double? ChangePercent { get; init; }

    /// <summary>The Mann–Kendall two-sided p-value.</summary>
    public required double PValue { get; init; }

    /// <summary>The per-second values tested.</summary>
    public required int N { get; init; }

    /// <summary>The points fitted: <see cref="N"/>, or fewer when binned by median (at most 300).</summary>
    public required int Points { get; init; }

    /// <summary>The median of the values tested.</summary>
    public required double Median { get; init; }

    /// <summary>The least change over the run that counts as drift.</summary>
    public required double MaterialChange { get; init; }

    /// <summary>The judged window's start (the end of the warm-up), seconds since the run started.</summary>
    public required double FromSecond { get; init; }

    /// <summary>The judged window's end, seconds since the run started.</summary>
    public required double ToSecond { get; init; }

    /// <summary>The fitted line at <see cref="FromSecond"/>.</summary>
    public required double StartValue { get; init; }

    /// <summary>The fitted line at <see cref="ToSecond"/>.</summary>
    public required double EndValue { get; init; }

    /// <summary>Whether <c>--soak</c> judged the series (latency and memory under <c>--soak</c>): rising then failed the run's checks.</summary>
    public required bool Soak { get; init; }

    /// <summary><c>theil-sen</c>.</summary>
    public required string Method { get; init; }
}
