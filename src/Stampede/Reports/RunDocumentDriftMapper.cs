using System.Globalization;
using Stampede.Analysis;

namespace Stampede.Reports;

/// <summary>Maps a run's drift analysis into <c>analysis.drift[]</c>.</summary>
internal static class RunDocumentDriftMapper
{
    /// <summary>The drift of every judged series, or null when the run was too short to judge.</summary>
    public static IReadOnlyList<RunDocumentDrift>? ToDrift(DriftAnalysis? drift) => drift is null ? null :
    [
        .. drift.Series.Select(s => new RunDocumentDrift
        {
            Series = s.Series,
            Metric = DriftAnalysis.Name(s.Metric),
            Row = s.Row,
            Source = s.Source,
            Unit = s.Unit,
            Verdict = s.Verdict,
            SlopePerMinute = Significant(s.SlopePerMinute),
            SlopeLow = Significant(s.SlopeLowPerMinute),
            SlopeHigh = Significant(s.SlopeHighPerMinute),
            ChangeOverRun = Significant(s.ChangeOverRun),
            ChangePercent = s.ChangePercent is { } p ? Math.Round(p, 2) : null,
            PValue = Significant(s.PValue, 4),
            N = s.N,
            Points = s.Points,
            Median = Significant(s.Median),
            MaterialChange = Significant(s.MaterialChange),
            FromSecond = Math.Round(s.FromSecond, 3),
            ToSecond = Math.Round(s.ToSecond, 3),
            StartValue = Significant(s.StartValue),
            EndValue = Significant(s.EndValue),
            Soak = s.SoakChecked,
            Method = drift.Method,
        }),
    ];

    /// <summary><paramref name="value"/> rounded to <paramref name="digits"/> significant digits: the document stays readable without claiming a precision the fit has not.</summary>
    internal static double Significant(double value, int digits = 6) => !double.IsFinite(value) ? value
        : double.Parse(value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
