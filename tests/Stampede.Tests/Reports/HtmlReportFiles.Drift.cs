using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary>The drift fixture of the HTML report.</summary>
internal static partial class HtmlReportFiles
{
    /// <summary>
    /// A 90-second soak recorded through the real aggregator on a fake clock (<see cref="Analysis.DriftRun"/>):
    /// <c>POST predict</c> 5 requests a second at 20 ms + 0.1 ms a second plus seeded Gaussian noise of 1.5 ms (the same
    /// within a second), <c>GET /health</c> 2 a second at a flat 2 ms, and the demo's resident memory at 300 MB + 2 MB a
    /// second plus uniform noise of 0 to 4 MB; run with <c>--soak</c>, so its <c>analysis.drift</c> has the aggregated and <c>POST predict</c> p95 and
    /// the memory rising and failing the soak (exit code 3), <c>GET /health</c> and throughput stable. The history's
    /// per-second histograms are left out (the report draws none of them), to keep the file small.
    /// </summary>
    public static string RunWithDriftDocumentPath => Path.Combine(Directory, "run-drift.json");

    public static Task<RunDocument> ReadRunWithDriftAsync() => RunDocumentReader.ReadAsync(RunWithDriftDocumentPath);
}
