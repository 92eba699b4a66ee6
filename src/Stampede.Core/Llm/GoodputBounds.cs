using System.Globalization;

namespace Stampede.Llm;

/// <summary>
/// Per-request bounds of goodput (<c>--goodput "ttft&lt;500ms,tpot&lt;50ms"</c>): a completed stream is good when it meets
/// every bound given, as DistServe defines goodput and vLLM's benchmark measures it.
/// </summary>
public sealed record GoodputBounds
{
    /// <summary>The most time to first token, from the intended start.</summary>
    public TimeSpan? Ttft { get; init; }

    /// <summary>The most time per output token after the first (a stream of one token has none and meets it).</summary>
    public TimeSpan? Tpot { get; init; }

    /// <summary>The most end-to-end latency, from the intended start.</summary>
    public TimeSpan? E2e { get; init; }

    /// <summary>The bounds as written: <c>ttft&lt;500ms,tpot&lt;50ms</c>.</summary>
    public string Expression { get; init; } = string.Empty;

    /// <summary>Whether a stream with these figures (ms) meets every bound.</summary>
    public bool IsMetBy(double ttftMs, double? tpotMs, double e2eMs) =>
        (Ttft is not { } ttft || ttftMs < ttft.TotalMilliseconds)
        && (Tpot is not { } tpot || tpotMs is not { } t || t < tpot.TotalMilliseconds)
        && (E2e is not { } e2e || e2eMs < e2e.TotalMilliseconds);

    /// <summary>Parses <c>ttft&lt;500ms,tpot&lt;50ms,e2e&lt;10s</c>: comma-separated <c>METRIC&lt;TIME</c> with a unit of us, ms or s.</summary>
    /// <exception cref="FormatException">The text is not such a list; the message says which part and what is valid.</exception>
    public static GoodputBounds Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var bounds = new GoodputBounds { Expression = text.Trim() };
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int less = part.IndexOf('<', StringComparison.Ordinal);
            if (less <= 0)
            {
                throw Bad(part, "write METRIC<TIME, e.g. ttft<500ms");
            }

            string metric = part[..less].Trim().ToLowerInvariant();
            TimeSpan limit = ParseTime(part, part[(less + 1)..].Trim());
            bounds = metric switch
            {
                "ttft" when bounds.Ttft is null => bounds with { Ttft = limit },
                "tpot" when bounds.Tpot is null => bounds with { Tpot = limit },
                "e2e" when bounds.E2e is null => bounds with { E2e = limit },
                "ttft" or "tpot" or "e2e" => throw Bad(part, $"{metric} is bounded twice"),
                _ => throw Bad(part, $"unknown metric '{metric}'; goodput bounds ttft, tpot and e2e"),
            };
        }

        return bounds.Ttft is null && bounds.Tpot is null && bounds.E2e is null
            ? throw Bad(text, "give at least one bound, e.g. ttft<500ms,tpot<50ms")
            : bounds;
    }

    private static TimeSpan ParseTime(string part, string text)
    {
        int unit = 0;
        while (unit < text.Length && (char.IsAsciiDigit(text[unit]) || text[unit] == '.'))
        {
            unit++;
        }

        if (unit == 0 || !double.TryParse(text[..unit], NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !(number > 0))
        {
            throw Bad(part, "the bound must be a time above 0, e.g. 500ms or 2s");
        }

        return text[unit..].Trim().ToLowerInvariant() switch
        {
            "us" or "µs" => TimeSpan.FromMicroseconds(number),
            "ms" or "" => TimeSpan.FromMilliseconds(number),
            "s" => TimeSpan.FromSeconds(number),
            string other => throw Bad(part, $"unknown unit '{other}'; expected us, ms or s"),
        };
    }

    private static FormatException Bad(string part, string problem) => new($"--goodput '{part}': {problem}.");
}
