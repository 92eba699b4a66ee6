using Microsoft.Playwright;

namespace Stampede.Tests.Browser;

/// <summary>Debian's Chromium, started headless through Playwright for the report and dashboard tests.</summary>
internal static class HeadlessChromium
{
    /// <summary>Where Debian's <c>chromium</c> package (installed by test.sh) puts the browser.</summary>
    public const string Path = "/usr/bin/chromium";

    /// <summary>Starts the browser with nothing of its own on the network (no updates, sync or background requests).</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        File.Exists(Path).ShouldBeTrue($"{Path} is missing: run ./test.sh, which installs Debian's chromium package, or apt-get install chromium.");
        return playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Path,
            Headless = true,
            Timeout = 30_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }
}
