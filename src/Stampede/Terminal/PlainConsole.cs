using Spectre.Console;

namespace Stampede.Terminal;

/// <summary>
/// Makes a console that is not a terminal (output piped to a file, a CI log) plain: no ANSI codes or colours, ASCII
/// table borders, and a width no line reaches, so a message is one line that <c>grep</c> finds whole and a table is its
/// natural width instead of being folded at 80 columns or padded to a guessed one.
/// </summary>
internal static class PlainConsole
{
    /// <summary>The width a plain console gets: wider than any line Stampede writes, so none is folded.</summary>
    public const int Width = 1000;

    /// <summary>Whether <paramref name="console"/> is a terminal that redraws in place (interactive, with ANSI codes).</summary>
    public static bool IsTerminal(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        return console.Profile.Capabilities is { Interactive: true, Ansi: true };
    }

    /// <summary>Makes <paramref name="console"/> plain when it is not a terminal; a terminal is left as it is.</summary>
    /// <returns>Whether the console was made plain.</returns>
    public static bool Adapt(IAnsiConsole console)
    {
        if (IsTerminal(console))
        {
            return false;
        }

        Profile profile = console.Profile;
        profile.Width = Math.Max(profile.Width, Width);
        profile.Capabilities.Ansi = false;
        profile.Capabilities.ColorSystem = ColorSystem.NoColors;
        profile.Capabilities.Links = false;
        profile.Capabilities.Unicode = false;
        return true;
    }
}
