using System.Globalization;

namespace Stampede.Cli;

/// <summary>Byte sizes as flags take them: <c>4MiB</c>, <c>64KB</c>, <c>1.5m</c>, <c>1048576</c>; every multiple is a power of 1,024, as curl and k6 read them.</summary>
internal static class SizeParser
{
    /// <summary>The words for the error message.</summary>
    public const string Valid = "a size in bytes, e.g. 4MiB, 64KB or 1048576 (0 for none)";

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        string s = (text ?? string.Empty).Trim();
        int end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
        {
            end++;
        }

        if (end == 0 || !double.TryParse(s.AsSpan(0, end), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
        {
            return false;
        }

        double multiple = s[end..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1024,
            "M" or "MB" or "MIB" => 1024 * 1024,
            "G" or "GB" or "GIB" => 1024d * 1024 * 1024,
            _ => double.NaN,
        };
        double value = Math.Round(number * multiple);
        if (double.IsNaN(value) || value > long.MaxValue / 2)
        {
            return false;
        }

        bytes = (long)value;
        return true;
    }
}
