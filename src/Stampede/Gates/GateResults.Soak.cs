using System.Globalization;
using Stampede.Analysis;
using Stampede.Load;

namespace Stampede.Gates;

/// <summary>The soak check (<c>--soak</c>): a rising latency or memory drift fails, as does a run too short to judge.</summary>
internal sealed partial record GateResults
{
    /// <summary>With <c>--soak</c>: the latency and memory drift series judged (a rising one fails); empty without it.</summary>
    public IReadOnlyList<DriftSeries> Drift { get; init; } = [];

    /// <summary>With <c>--soak</c> on a run too short to judge drift: why, as a failed check; <see langword="null"/> otherwise.</summary>
    public string? SoakNoData { get; init; }

    /// <summary>One phrase per failed soak check: <c>drift: p95 of Aggregated rising 1.02 ms/min (+9.2 ms over the run, +16.5%)</c>.</summary>
    private IEnumerable<string> SoakFailures =>
        Drift.Where(d => d.Direction == DriftDirection.Rising).Select(DescribeDrift)
            .Concat(SoakNoData is { } why ? [$"soak ({why})"] : []);

    /// <summary>A failed drift series in words, with its slope and change over the run.</summary>
    public static string DescribeDrift(DriftSeries drift)
    {
        ArgumentNullException.ThrowIfNull(drift);
        string percent = drift.ChangePercent is { } p ? string.Create(CultureInfo.InvariantCulture, $", {p:+0.#;-0.#;0}%") : string.Empty;
        return $"drift: {drift.Label} {drift.Verdict} {DriftText.Amount(drift.SlopePerMinute, drift.Unit)}/min ({DriftText.Signed(drift.ChangeOverRun, drift.Unit)} over the run{percent})";
    }

    /// <summary>The series <c>--soak</c> judges (<see cref="DriftSeries.SoakChecked"/>): the latency and memory ones of <see cref="RunResult.Drift"/>, the generator's own machine left out.</summary>
    private static IReadOnlyList<DriftSeries> SoakSeries(GateInputs inputs, RunResult result) =>
        inputs.Soak && result.Drift is { } drift ? [.. drift.Series.Where(s => s.SoakChecked)] : [];

    /// <summary>Why <c>--soak</c> could not judge the run: fewer than 60 one-second intervals after the warm-up.</summary>
    private static string? SoakNoDataReason(GateInputs inputs, RunResult result) => !inputs.Soak || result.Drift is not null ? null : string.Create(
        CultureInfo.InvariantCulture,
        $"no data: {Math.Max(0, DriftAnalyzer.JudgedIntervals(result.Stats))} one-second intervals after the warm-up, {DriftAnalyzer.MinIntervals} needed");
}
