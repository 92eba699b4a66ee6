using Microsoft.Playwright;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary>A run with LLM streams, its report in a real headless Chromium: the LLM section's four charts drawn, nothing requested, no error.</summary>
public sealed class HtmlReportLlmBrowserTests(HtmlReportBrowserTests.BrowserFixture browser) : IClassFixture<HtmlReportBrowserTests.BrowserFixture>, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Where the screenshot of the LLM section is left for a person to look at.</summary>
    public static string ScreenshotPath { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots", "html-report-llm.png");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Report_WithLlmStreams_DrawsTheLlmChartsWithoutAnyRequestOrError()
    {
        string path = Path.Combine(_directory, "report-llm.html");
        RunReportBuilder builder = HtmlReportLlmTests.FourStreams().LlmStream("complete", TimeSpan.FromSeconds(0.2), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(5), tokens: 3);
        await HtmlReportWriter.WriteAsync(RunDocumentMapper.ToDocument(builder.Build(TimeSpan.FromSeconds(4))), path);
        await using HtmlReportBrowserTests.PageProbe probe = await browser.OpenAsync();

        await probe.Page.GotoAsync(new Uri(path).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        await probe.Page.WaitForSelectorAsync("body[data-charts-ready]", new() { State = WaitForSelectorState.Attached });

        // The LLM section's four charts (this run has no generator samples, so its CPU chart says "No data").
        (await probe.Page.Locator("#llm .uplot").CountAsync()).ShouldBe(4);
        foreach (string chart in (string[])["chart-llm-ttft", "chart-llm-tokens", "chart-llm-ttft-distribution", "chart-llm-itl-distribution"])
        {
            (await probe.Page.Locator($"#{chart} .uplot canvas").CountAsync()).ShouldBe(1, $"#{chart} has no uPlot canvas");
            (await probe.Page.Locator($"#{chart} canvas").EvaluateAsync<int>("c => c.width")).ShouldBeGreaterThan(200);
        }

        // Both rows and their aggregate, p50 and p95 each.
        (await Legend("#chart-llm-ttft")).ShouldBe(["Aggregated p50", "Aggregated p95", "POST chat p50", "POST chat p95", "POST complete p50", "POST complete p95"]);
        (await Legend("#chart-llm-itl-distribution")).ShouldBe(["Aggregated", "POST chat", "POST complete"]);

        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        await probe.Page.Locator("#llm").ScreenshotAsync(new() { Path = ScreenshotPath });
        probe.Requests.ShouldBe([new Uri(path).AbsoluteUri]);
        probe.Problems.ShouldBeEmpty();

        async Task<string[]> Legend(string chart) =>
            [.. (await probe.Page.Locator($"{chart} .u-legend .u-series:not(:first-child) .u-label").AllInnerTextsAsync()).Select(t => t.Trim())];
    }
}
