using System.Globalization;
using System.Text.RegularExpressions;

namespace Stampede.Cli;

/// <summary>Parses durations the way Locust's <c>--run-time</c> does (<c>90s</c>, <c>5m</c>, <c>1h30m</c>, a bare number of seconds), plus <c>ms</c>.</summary>
internal static partial class DurationParser
{
    public const string Valid = "a duration such as 90s, 5m, 1h30m, 500ms or a number of seconds";

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string s = text.Trim();
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            if (!double.IsFinite(seconds) || seconds < 0)
            {
                return false;
            }

            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        Match match = Pattern().Match(s);
        if (!match.Success)
        {
            return false;
        }

        double total = 0;
        foreach (Capture capture in match.Groups["part"].Captures)
        {
            Match part = Part().Match(capture.Value);
            double value = double.Parse(part.Groups["n"].Value, CultureInfo.InvariantCulture);
            total += part.Groups["u"].Value.ToLowerInvariant() switch
            {
                "h" => value * 3600,
                "m" => value * 60,
                "s" => value,
                _ => value / 1000, // ms
            };
        }

        duration = TimeSpan.FromSeconds(total);
        return true;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?\s*(ms|h|m|s))(\s*(?<part>\d+(\.\d+)?\s*(ms|h|m|s)))*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<u>ms|h|m|s)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
