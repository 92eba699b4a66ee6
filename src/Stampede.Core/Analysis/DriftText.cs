using System.Globalization;

namespace Stampede.Analysis;

/// <summary>Drift amounts in words, as the console, the checks and the reports write them: ms with three significant digits, bytes in MiB/GiB.</summary>
internal static class DriftText
{
    /// <summary><paramref name="value"/> in <paramref name="unit"/>: <c>1.02 ms</c>, <c>-3.5 requests/s</c>, <c>58.2 MiB</c>.</summary>
    public static string Amount(double value, string unit) => unit switch
    {
        "bytes" when Math.Abs(value) >= 1024d * 1024 * 1024 => Fmt($"{Number(value / (1024d * 1024 * 1024))} GiB"),
        "bytes" when Math.Abs(value) >= 1024d * 1024 => Fmt($"{Number(value / (1024d * 1024))} MiB"),
        "bytes" when Math.Abs(value) >= 1024 => Fmt($"{Number(value / 1024)} KiB"),
        "percent" => $"{Number(value)}%",
        _ => $"{Number(value)} {unit}",
    };

    /// <summary>An interval with its unit written once when both ends share it: <c>4.64 … 6.4 ms</c>, <c>980 KiB … 1.2 MiB</c>.</summary>
    public static string Interval(double low, double high, string unit)
    {
        string a = Amount(low, unit);
        string b = Amount(high, unit);
        int i = a.LastIndexOf(' ');
        int j = b.LastIndexOf(' ');
        return i > 0 && j > 0 && a[i..] == b[j..] ? $"{a[..i]} … {b}" : $"{a} … {b}";
    }

    /// <summary>As <see cref="Amount"/>, with its sign: <c>+9.2 ms</c>, <c>-4 requests/s</c>.</summary>
    public static string Signed(double value, string unit) => (value > 0 ? "+" : string.Empty) + Amount(value, unit);

    /// <summary>A number with three significant digits, at most three decimals (<c>1.02</c>, <c>58.2</c>, <c>1234</c>, <c>0.004</c>).</summary>
    public static string Number(double value)
    {
        double abs = Math.Abs(value);
        string format = abs >= 100 ? "0" : abs >= 10 ? "0.#" : abs >= 1 ? "0.##" : "0.###";
        string text = value.ToString(format, CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }

    /// <summary>A p-value: up to three decimals, below 0.001 in scientific notation (<c>0.221</c>, <c>8.3E-5</c>).</summary>
    public static string PValue(double p) => p < 0.001 ? p.ToString("0.##E+0", CultureInfo.InvariantCulture) : p.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Fmt(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
