using System.Globalization;

namespace Stampede.Analysis;

/// <summary>
/// A pass/fail rule on a run's statistics, written in a small language close to k6's thresholds:
/// <c>p95&lt;300ms</c>, <c>error_rate&lt;1%</c>, <c>rps&gt;=48</c>, <c>"predict large": p99.9&lt;1s abort after 30s</c>.
/// </summary>
/// <remarks>
/// <para>The grammar (spaces are allowed between any two parts; words are case-insensitive):</para>
/// <code>
/// threshold = [ scope ":" ] metric operator value [ "abort" [ "after" duration ] ]
/// scope     = '"' row name '"'     a row whose name (or "METHOD name") is exactly this; \" and \\ escape
/// metric    = "p" number           a percentile from 0 to 100: p50, p95, p99.9 (ms)
///           | "med" | "avg" | "min" | "max"                                  (ms)
///           | "error_rate"                                                   (failures / requests)
///           | "rps" | "requests" | "failures"                                (requests/s, counts)
///           | ( "ttft_p" | "itl_p" | "tpot_p" | "e2e_p" ) number             LLM streams: a kept percentile (ms)
///           | "output_tps"                                                   LLM streams: output tokens/s
/// operator  = "&lt;" | "&lt;=" | "&gt;" | "&gt;="
/// value     = number [ unit ]      times: us or µs, ms (the default), s
///                                  error_rate: a percent (1%) or a fraction (0.01)
///                                  rps, requests, failures: a plain number
/// duration  = number ( "ms" | "s" | "m" | "h" )
/// </code>
/// <para>
/// Without a scope the threshold applies to every request together (the <c>Aggregated</c> row).
/// <c>abort</c> stops the run as soon as the threshold fails during the run, but not before the
/// grace period after <c>after</c> (default 0) has passed since the start; it may not be put on a lower
/// bound on <c>requests</c>, which only grows and so fails until the end of every run.
/// </para>
/// </remarks>
public sealed class Threshold
{
    internal Threshold(
        string expression,
        string? row,
        ThresholdMetric metric,
        double percentile,
        ThresholdOperator comparison,
        double limit,
        bool abort,
        TimeSpan abortGrace)
    {
        Expression = expression;
        Row = row;
        Metric = metric;
        Percentile = percentile;
        Operator = comparison;
        Limit = limit;
        Abort = abort;
        AbortGrace = abortGrace;
    }

    /// <summary>The expression as written.</summary>
    public string Expression { get; }

    /// <summary>The row the threshold is scoped to, or <see langword="null"/> for every request together.</summary>
    public string? Row { get; }

    /// <summary>Whether the run stops as soon as the threshold fails.</summary>
    public bool Abort { get; }

    /// <summary>Time since the start of the run before an <see cref="Abort"/> threshold may stop it.</summary>
    /// <value>Zero unless written as <c>abort after 30s</c>.</value>
    public TimeSpan AbortGrace { get; }

    /// <summary>What is measured.</summary>
    internal ThresholdMetric Metric { get; }

    /// <summary>The percentile, 0 to 100, when <see cref="Metric"/> is <see cref="ThresholdMetric.Percentile"/>; else 0.</summary>
    internal double Percentile { get; }

    /// <summary>How the measured value is compared with <see cref="Limit"/>.</summary>
    internal ThresholdOperator Operator { get; }

    /// <summary>The limit in the metric's unit: ms, a 0-to-1 ratio, requests/s or a count.</summary>
    internal double Limit { get; }

    /// <summary>Whether the metric is one of the LLM streams' (<c>ttft_p95</c>, <c>output_tps</c>…).</summary>
    internal bool IsLlm => Metric is ThresholdMetric.Ttft or ThresholdMetric.Itl or ThresholdMetric.Tpot or ThresholdMetric.E2e or ThresholdMetric.OutputTokensPerSecond;

    /// <summary>The metric as written in the language: <c>p99.9</c>, <c>error_rate</c>.</summary>
    internal string MetricName => Metric switch
    {
        ThresholdMetric.Percentile => "p" + Percentile.ToString("0.###", CultureInfo.InvariantCulture),
        ThresholdMetric.Median => "med",
        ThresholdMetric.Average => "avg",
        ThresholdMetric.Min => "min",
        ThresholdMetric.Max => "max",
        ThresholdMetric.ErrorRate => "error_rate",
        ThresholdMetric.RequestsPerSecond => "rps",
        ThresholdMetric.Requests => "requests",
        ThresholdMetric.Ttft => "ttft_p" + Percentile.ToString("0.###", CultureInfo.InvariantCulture),
        ThresholdMetric.Itl => "itl_p" + Percentile.ToString("0.###", CultureInfo.InvariantCulture),
        ThresholdMetric.Tpot => "tpot_p" + Percentile.ToString("0.###", CultureInfo.InvariantCulture),
        ThresholdMetric.E2e => "e2e_p" + Percentile.ToString("0.###", CultureInfo.InvariantCulture),
        ThresholdMetric.OutputTokensPerSecond => "output_tps",
        _ => "failures",
    };

    /// <summary>The unit of <see cref="Limit"/> and of a measured value: <c>ms</c>, <c>ratio</c> (0 to 1), <c>requests/s</c> or <c>count</c>.</summary>
    internal string Unit => Metric switch
    {
        ThresholdMetric.ErrorRate => "ratio",
        ThresholdMetric.RequestsPerSecond => "requests/s",
        ThresholdMetric.OutputTokensPerSecond => "tokens/s",
        ThresholdMetric.Requests or ThresholdMetric.Failures => "count",
        _ => "ms",
    };

    /// <summary>Parses one threshold expression.</summary>
    /// <param name="expression">E.g. <c>p95&lt;300ms</c> or <c>"predict large": error_rate&lt;1% abort after 1m</c>.</param>
    /// <exception cref="ThresholdSyntaxException">The expression does not follow the language; the message points at the bad part.</exception>
    public static Threshold Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return new ThresholdParser(expression).ParseThreshold();
    }

    /// <summary>The expression as written.</summary>
    public override string ToString() => Expression;

    /// <summary>Whether <paramref name="measured"/> satisfies the threshold.</summary>
    internal bool IsMetBy(double measured) => Operator switch
    {
        ThresholdOperator.LessThan => measured < Limit,
        ThresholdOperator.LessThanOrEqual => measured <= Limit,
        ThresholdOperator.GreaterThan => measured > Limit,
        _ => measured >= Limit,
    };

    /// <summary>A value of this threshold's metric with its unit: <c>212.4 ms</c>, <c>0.52%</c>, <c>48.1 req/s</c>.</summary>
    internal string FormatValue(double value) => Metric switch
    {
        ThresholdMetric.ErrorRate => string.Create(CultureInfo.InvariantCulture, $"{value * 100:0.###}%"),
        ThresholdMetric.RequestsPerSecond => string.Create(CultureInfo.InvariantCulture, $"{value:0.##} req/s"),
        ThresholdMetric.OutputTokensPerSecond => string.Create(CultureInfo.InvariantCulture, $"{value:0.##} tokens/s"),
        ThresholdMetric.Requests or ThresholdMetric.Failures => value.ToString("0", CultureInfo.InvariantCulture),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value:0.###} ms"),
    };
}
