using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Metrics;
using Stampede.Reports;

namespace Stampede.Tool.Llm;

/// <summary>
/// The end of a <c>stampede llm</c> run in the terms of vLLM's <c>bench serve</c>: requests, duration, token totals and
/// throughputs, then mean, median and p99 of TTFT, TPOT, ITL and E2EL, so the figures compare with a vLLM or GenAI-Perf run.
/// </summary>
internal static class LlmBenchSummary
{
    /// <summary>The summary table of <paramref name="report"/>; a one-line note when no stream completed.</summary>
    public static IEnumerable<IRenderable> Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Figures figures = Figures.Of(report.Result.Stats);
        if (figures.Llm is null)
        {
            return [new Markup("[yellow]LLM benchmark: no stream completed, so there are no token figures.[/]" + Environment.NewLine)];
        }

        var table = new Table().Border(TableBorder.Rounded).Title("LLM benchmark, in vLLM's terms");
        table.AddColumn("Figure");
        table.AddColumn(new TableColumn("Value").RightAligned());
        foreach ((string name, string value) in figures.Lines())
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(value));
        }

        return [table];
    }

    /// <summary>The figures of the summary, each as a name and a formatted value.</summary>
    internal sealed record Figures(long Successful, long Failed, double DurationSeconds, LlmStats? Llm)
    {
        public static Figures Of(StatsSnapshot stats)
        {
            ArgumentNullException.ThrowIfNull(stats);
            RowStats total = stats.Total;
            return new Figures(total.Requests - total.Failures, total.Failures, stats.Elapsed.TotalSeconds, total.Llm is { Requests: > 0 } llm ? llm : null);
        }

        public IEnumerable<(string Name, string Value)> Lines()
        {
            LlmStats llm = Llm ?? throw new InvalidOperationException("No stream completed.");
            double seconds = Math.Max(DurationSeconds, 1e-9);
            yield return ("Successful requests", Count(Successful));
            yield return ("Failed requests", Count(Failed));
            yield return ("Benchmark duration (s)", Number(DurationSeconds, "0.00"));
            yield return ("Total input tokens", Count(llm.InputTokensTotal));
            yield return ("Total generated tokens", Count(llm.OutputTokensTotal));
            yield return ("Request throughput (req/s)", Number(Successful / seconds, "0.00"));
            yield return ("Output token throughput (tok/s)", Number(llm.OutputTokensTotal / seconds, "0.00"));
            yield return ("Total token throughput (tok/s)", Number((llm.InputTokensTotal + llm.OutputTokensTotal) / seconds, "0.00"));
            if (llm.Goodput is { } goodput)
            {
                yield return ($"Request goodput (req/s) for {goodput.Bounds}", string.Create(CultureInfo.InvariantCulture, $"{goodput.PerSecond:0.00} ({goodput.Share:0.0%} of requests)"));
            }

            foreach ((string name, LlmDistribution distribution) in new[] { ("TTFT", llm.TtftMs), ("TPOT", llm.TpotMs), ("ITL", llm.ItlMs), ("E2EL", llm.E2eMs) })
            {
                yield return ($"Mean {name} (ms)", Ms(distribution, distribution.Mean));
                yield return ($"Median {name} (ms)", Ms(distribution, distribution.Get(50)));
                yield return ($"P99 {name} (ms)", Ms(distribution, distribution.Get(99)));
            }

            yield return ("Token counts from", llm.TokenSource);
        }

        private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

        private static string Ms(LlmDistribution distribution, double value) => distribution.Count == 0 ? "-" : Number(value, "0.00");
    }
}
