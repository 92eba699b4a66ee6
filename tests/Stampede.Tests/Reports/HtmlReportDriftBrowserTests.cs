using Microsoft.Playwright;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary>The drift fixture's report in a real headless Chromium: its Theil–Sen lines drawn on the p95 and memory charts.</summary>
public sealed class HtmlReportDriftBrowserTests(HtmlReportBrowserTests.BrowserFixture browser) : IClassFixture<HtmlReportBrowserTests.BrowserFixture>, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Where the screenshot of the drift fixture's Analysis section is left for a person to look at.</summary>
    public static string ScreenshotPath { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots", "html-report-drift.png");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Report_WithDrift_DrawsEachFittedLineOnItsChart()
    {
        string path = Path.Combine(_directory, "report-drift.html");
        await HtmlReportWriter.WriteAsync(await HtmlReportFiles.ReadRunWithDriftAsync(), path);
        await using HtmlReportBrowserTests.PageProbe probe = await browser.OpenAsync();

        await probe.Page.GotoAsync(new Uri(path).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        await probe.Page.WaitForSelectorAsync("body[data-charts-ready]", new() { State = WaitForSelectorState.Attached });

        // Three rows' p95 lines on the latency chart, the aggregated one on the analysis' latency chart, one on memory.
        (await probe.Page.GetAttributeAsync("body", "data-drift-lines")).ShouldBe("5");
        (await Legend("#chart-analysis-latency")).ShouldBe(["p50", "p95", "Aggregated drift (rising)"]);
        (await Legend("#chart-resource-0")).ShouldBe(["process_resident_memory_bytes · demo", "process_resident_memory_bytes · demo drift (rising)"]);
        (await Legend("#chart-latency")).ShouldContain("POST predict drift (rising)");

        // A row's drift line follows its toggle.
        ILocator predict = probe.Page.Locator("#latency-rows input[data-row='POST predict']");
        (await predict.IsCheckedAsync()).ShouldBeTrue();
        await predict.UncheckAsync();
        (await probe.Page.Locator("#chart-latency .u-legend .u-series.u-off").AllInnerTextsAsync()).ShouldContain(t => t.Contains("POST predict drift", StringComparison.Ordinal));
        await predict.CheckAsync();

        await probe.Page.Locator("#analysis").ScreenshotAsync(new() { Path = ScreenshotPath });
        probe.Requests.ShouldBe([new Uri(path).AbsoluteUri]);
        probe.Problems.ShouldBeEmpty();

        async Task<string[]> Legend(string chart) =>
            [.. (await probe.Page.Locator($"{chart} .u-legend .u-series:not(:first-child) .u-label").AllInnerTextsAsync()).Select(t => t.Trim())];
    }
}
