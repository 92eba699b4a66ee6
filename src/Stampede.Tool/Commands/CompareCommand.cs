using System.CommandLine;
using Stampede.Gates;

namespace Stampede.Tool.Commands;

/// <summary>
/// <c>stampede compare A.json B.json -o compare.html</c>: compares run B with run A (each a run
/// document from <c>--json</c> or a baseline from <c>--save-baseline</c>) row by row, prints the
/// side-by-side table and writes it as a static HTML page. Exits 3 when a row of B regressed.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseline = new Argument<string>("baseline") { Description = "The run compared with: a run document (--json) or a baseline (--save-baseline)." };
        var current = new Argument<string>("current") { Description = "The run being judged, of either kind." };
        var output = new Option<string?>("--output", "-o") { Description = "The HTML page to write (default: the current run's path with .compare.html)." };
        var tolerance = new Option<string>("--tolerance") { Description = "Relative change a metric may move before it counts, e.g. 10% (the default).", DefaultValueFactory = _ => "10%" };
        var command = new Command("compare", "Compare two runs row by row (p50, p95, p99, req/s, error rate) with a significance test; exits 3 when the second regressed.")
        {
            baseline, current, output, tolerance,
        };
        command.SetAction((result, token) => RunComparison.RunAsync(result.GetValue(baseline)!, result.GetValue(current)!, result.GetValue(output), result.GetValue(tolerance)!, Console.Out, Console.Error, token));
        return command;
    }
}
