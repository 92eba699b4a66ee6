using System.CommandLine.Parsing;
using System.Globalization;
using Stampede.Cli;

namespace Stampede.Tool.Commands;

/// <summary>Value parsers shared by the tool's commands, with messages that name the flag, the value and what is valid.</summary>
internal static class ToolParsers
{
    public static int Int(ArgumentResult r, string flag, int min, int max = int.MaxValue)
    {
        string token = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
        if (!int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            r.AddError($"{flag}: '{token}' is not valid; give a whole number from {min}{(max == int.MaxValue ? " up" : $" to {max}")}.");
            return min;
        }

        return value;
    }

    /// <summary>A fraction from 0 to 1, e.g. <c>0.1</c>.</summary>
    public static double Fraction(ArgumentResult r, string flag)
    {
        string token = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value is >= 0 and <= 1))
        {
            r.AddError($"{flag}: '{token}' is not valid; give a fraction from 0 to 1, e.g. 0.1.");
            return 0;
        }

        return value;
    }

    public static TimeSpan Duration(ArgumentResult r, string flag)
    {
        string token = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
        if (!DurationParser.TryParse(token, out TimeSpan value) || value <= TimeSpan.Zero)
        {
            r.AddError($"{flag}: '{token}' is not valid; give a positive {DurationParser.Valid[2..]}.");
            return TimeSpan.FromSeconds(1);
        }

        return value;
    }

    /// <summary>Bytes with an optional KB/MB/GB suffix (powers of 1024): <c>20MB</c>, <c>512KB</c>, <c>1048576</c>.</summary>
    public static long Bytes(ArgumentResult r, string flag)
    {
        string token = r.Tokens.Count > 0 ? r.Tokens[0].Value.Trim() : string.Empty;
        long multiplier = 1;
        string number = token;
        foreach ((string suffix, long factor) in new[] { ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1L) })
        {
            if (token.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                multiplier = factor;
                number = token[..^suffix.Length].Trim();
                break;
            }
        }

        if (!long.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value <= 0)
        {
            r.AddError($"{flag}: '{token}' is not valid; give a size in bytes, e.g. 20MB, 512KB or 1048576.");
            return 1;
        }

        return value * multiplier;
    }
}
