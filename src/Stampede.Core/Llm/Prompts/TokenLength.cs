using System.Globalization;

namespace Stampede.Llm;

/// <summary>
/// A distribution of token counts, for prompt and output lengths: fixed, uniform, normal or log-normal. Immutable and
/// thread-safe; every draw comes from the <see cref="Random"/> given, so a seeded user draws the same lengths each run.
/// </summary>
/// <remarks>
/// Spec forms (<see cref="Parse"/>): <c>512</c> (fixed), <c>512:128</c> (normal, mean 512, standard deviation 128: the
/// shorthand of <c>--prompt-tokens 512[:128]</c>), <c>fixed:512</c>, <c>uniform:256-768</c> (both ends included),
/// <c>normal:512,128</c>, <c>lognormal:512,128</c> (the mean and standard deviation of the counts, not of their log).
/// Normal and log-normal draws are rounded and kept at 1 or more.
/// </remarks>
public sealed class TokenLength
{
    private const string Forms = "512 (fixed), 512:128 (normal, sd 128), fixed:512, uniform:256-768, normal:512,128 or lognormal:512,128";

    private readonly Kind _kind;
    private readonly double _a;
    private readonly double _b;

    private TokenLength(Kind kind, double a, double b)
    {
        _kind = kind;
        _a = a;
        _b = b;
    }

    private enum Kind
    {
        Fixed,
        Uniform,
        Normal,
        LogNormal,
    }

    /// <summary>The mean count (before rounding and the floor of 1, for normal and log-normal).</summary>
    public double Mean => _kind switch
    {
        Kind.Fixed => _a,
        Kind.Uniform => (_a + _b) / 2,
        _ => _a,
    };

    /// <summary>The least count <see cref="Sample"/> returns.</summary>
    public int Min => _kind is Kind.Fixed or Kind.Uniform ? (int)_a : 1;

    /// <summary>The largest count <see cref="Sample"/> returns; <see langword="null"/> when unbounded (normal, log-normal).</summary>
    public int? Max => _kind switch
    {
        Kind.Fixed => (int)_a,
        Kind.Uniform => (int)_b,
        _ => null,
    };

    /// <summary>Always <paramref name="tokens"/>.</summary>
    public static TokenLength Fixed(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        return new TokenLength(Kind.Fixed, tokens, 0);
    }

    /// <summary>Any count from <paramref name="min"/> to <paramref name="max"/>, both included, equally likely.</summary>
    public static TokenLength Uniform(int min, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(min, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        return new TokenLength(Kind.Uniform, min, max);
    }

    /// <summary>Normal counts of this mean and standard deviation, rounded, at least 1.</summary>
    public static TokenLength Normal(double mean, double standardDeviation)
    {
        Check(mean, standardDeviation);
        return standardDeviation == 0 ? Fixed((int)Math.Round(mean)) : new TokenLength(Kind.Normal, mean, standardDeviation);
    }

    /// <summary>Log-normal counts whose mean and standard deviation are these (a long right tail, as real prompt lengths have), rounded, at least 1.</summary>
    public static TokenLength LogNormal(double mean, double standardDeviation)
    {
        Check(mean, standardDeviation);
        return standardDeviation == 0 ? Fixed((int)Math.Round(mean)) : new TokenLength(Kind.LogNormal, mean, standardDeviation);
    }

    /// <summary>Reads a spec (see the remarks of <see cref="TokenLength"/>).</summary>
    /// <exception cref="FormatException">The spec is none of the forms; the message quotes it and lists them.</exception>
    public static TokenLength Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string text = spec.Trim();
        try
        {
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return Fixed(Integer(text));
            }

            string head = text[..colon].Trim().ToLowerInvariant();
            string tail = text[(colon + 1)..].Trim();
            return head switch
            {
                "fixed" => Fixed(Integer(tail)),
                "uniform" when Pair(tail, '-') is (string min, string max) => Uniform(Integer(min), Integer(max)),
                "normal" when Pair(tail, ',') is (string m, string sd) => Normal(Number(m), Number(sd)),
                "lognormal" when Pair(tail, ',') is (string lm, string lsd) => LogNormal(Number(lm), Number(lsd)),
                _ when int.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out int mean) => Normal(mean, Number(tail)),
                _ => throw Bad(spec),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            throw Bad(spec);
        }
    }

    /// <summary>Draws one count.</summary>
    public int Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double value = _kind switch
        {
            Kind.Fixed => _a,
            Kind.Uniform => random.Next((int)_a, (int)_b + 1),
            Kind.Normal => MathNet.Numerics.Distributions.Normal.Sample(random, _a, _b),
            _ => LogNormalFromMoments(random),
        };
        return (int)Math.Clamp(Math.Round(value), 1, int.MaxValue);
    }

    /// <summary>The canonical spec: <c>fixed:512</c>, <c>uniform:256-768</c>, <c>normal:512,128</c> or <c>lognormal:512,128</c>.</summary>
    public override string ToString() => _kind switch
    {
        Kind.Fixed => string.Create(CultureInfo.InvariantCulture, $"fixed:{_a}"),
        Kind.Uniform => string.Create(CultureInfo.InvariantCulture, $"uniform:{_a}-{_b}"),
        Kind.Normal => string.Create(CultureInfo.InvariantCulture, $"normal:{_a:R},{_b:R}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"lognormal:{_a:R},{_b:R}"),
    };

    private double LogNormalFromMoments(Random random)
    {
        // The log's parameters that give counts of mean m and standard deviation s: σ² = ln(1 + s²/m²), μ = ln m − σ²/2.
        double variance = Math.Log(1 + (_b * _b / (_a * _a)));
        return MathNet.Numerics.Distributions.LogNormal.Sample(random, Math.Log(_a) - (variance / 2), Math.Sqrt(variance));
    }

    private static void Check(double mean, double standardDeviation)
    {
        if (!(mean >= 1 && double.IsFinite(mean)))
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "The mean must be 1 token or more.");
        }

        if (!(standardDeviation >= 0 && double.IsFinite(standardDeviation)))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be 0 or more.");
        }
    }

    private static (string, string)? Pair(string text, char separator)
    {
        int at = text.IndexOf(separator, StringComparison.Ordinal);
        return at <= 0 ? null : (text[..at].Trim(), text[(at + 1)..].Trim());
    }

    private static int Integer(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    private static double Number(string text) => double.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    private static FormatException Bad(string spec) =>
        new($"'{spec}' is not a token length; give {Forms}, with counts of 1 or more.");
}
