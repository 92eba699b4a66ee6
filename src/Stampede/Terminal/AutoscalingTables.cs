using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Analysis;

namespace Stampede.Terminal;

/// <summary>The console's view of an autoscaling validation: the spike, scale-out and recovery in a few lines, and the verdict.</summary>
internal static class AutoscalingTables
{
    /// <summary>The summary's autoscaling lines; nothing without <c>--expect-scale</c>.</summary>
    public static IEnumerable<IRenderable> Summary(AutoscalingAnalysis? autoscaling)
    {
        if (autoscaling is null)
        {
            yield break;
        }

        yield return new Markup(Markup.Escape(string.Join(Environment.NewLine, Lines(autoscaling))) + Environment.NewLine);
        string verdict = autoscaling.Passed ? "[bold green]PASS[/]" : "[bold red]FAIL[/]";
        yield return new Markup($"Autoscaling: {verdict} {Markup.Escape(autoscaling.Reason)}{Environment.NewLine}");
    }

    /// <summary>The evidence as plain lines (also what tests read).</summary>
    public static IEnumerable<string> Lines(AutoscalingAnalysis a)
    {
        ArgumentNullException.ThrowIfNull(a);
        string unit = a.Unit is null or "value" ? string.Empty : " " + a.Unit;
        string series = a.MatchedSeries is { } matched ? $"{matched} [{a.Source}]" : $"{a.Series} (not exposed by any source)";
        yield return $"Autoscaling of {series}, recovery judged by {string.Join(", ", a.Thresholds)} holding {a.StableForSeconds} s, within {a.MaxRecoverySeconds} s:";
        if (a.SpikeAtSecond is not { } spike)
        {
            yield return "  spike        none found in the load profile";
            yield break;
        }

        yield return Fmt($"  spike        second {spike}: {Number(a.OfferedBefore)} → {Number(a.OfferedAtSpike)} {a.OfferedUnit}{(a.LoadDropAtSecond is { } drop ? $", back down at second {drop}" : string.Empty)}");
        if (a.MatchedSeries is not null)
        {
            yield return Fmt($"  replicas     {Number(a.ReplicasBefore)} → {Number(a.ReplicasMax)} → {Number(a.ReplicasAfter)}{unit} (before the spike, at most, at the end)");
            yield return a.ScaleOutSeconds is { } up ? Fmt($"  scale-out    {up} s after the spike") : "  scale-out    never: the series did not rise";
            if (a.LoadDropAtSecond is not null)
            {
                yield return a.ScaleInSeconds is { } down ? Fmt($"  scale-in     {down} s after the load fell") : "  scale-in     not seen before the run ended";
            }
        }

        yield return a.RecoverySeconds is { } recovered ? Fmt($"  recovery     {recovered} s after the spike") : "  recovery     never";
        yield return Fmt($"  during spike p95 up to {(a.PeakP95Ms is { } p95 ? StatsTables.Ms(p95) + " ms" : "–")}, {a.ErrorsDuringSpike} requests failed before the recovery");
    }

    private static string Number(double? value) => value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "–";

    private static string Fmt(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
