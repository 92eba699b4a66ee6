using System.Collections.Concurrent;
using Microsoft.Playwright;
using Stampede.Reports;
using Stampede.Tests.Browser;

namespace Stampede.Tests.Reports;

/// <summary>
/// Opens the HTML report in a real headless Chromium (Debian's /usr/bin/chromium, installed by test.sh)
/// from a file:// URL and checks that it draws every chart and requests nothing.
/// </summary>
public sealed class HtmlReportBrowserTests(HtmlReportBrowserTests.BrowserFixture browser) : IClassFixture<HtmlReportBrowserTests.BrowserFixture>, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Where the screenshot of the fixed run's report is left for a person to look at.</summary>
    public static string ScreenshotPath { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots", "html-report.png");

    /// <summary>Where the screenshot of the checks of the fixed run with checks is left for a person to look at.</summary>
    public static string ChecksScreenshotPath { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots", "html-report-checks.png");

    /// <summary>Where the screenshot of the Analysis section of the fixed run that watched its target is left for a person to look at.</summary>
    public static string AnalysisScreenshotPath { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots", "html-report-analysis.png");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Report_OpenedFromFile_DrawsEveryChartWithoutAnyRequestOrError()
    {
        string path = Path.Combine(_directory, "report.html");
        await HtmlReportWriter.WriteAsync(await HtmlReportFiles.ReadRunAsync(), path);
        await using PageProbe probe = await browser.OpenAsync();

        await probe.Page.GotoAsync(new Uri(path).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        await probe.Page.WaitForSelectorAsync("body[data-charts-ready]", new() { State = WaitForSelectorState.Attached });

        (await probe.Page.GetAttributeAsync("body", "data-charts-ready")).ShouldBe("5");
        foreach (string chart in (string[])["chart-throughput", "chart-users", "chart-latency", "chart-distribution", "chart-cpu"])
        {
            (await probe.Page.Locator($"#{chart} .uplot canvas").CountAsync()).ShouldBe(1, $"#{chart} has no uPlot canvas");
            (await probe.Page.Locator($"#{chart} canvas").EvaluateAsync<int>("c => c.width")).ShouldBeGreaterThan(200);
        }

        // The latency rows toggle: the three named rows are shown, Aggregated is not, until it is picked.
        ILocator toggles = probe.Page.Locator("#latency-rows input[type=checkbox]");
        (await toggles.CountAsync()).ShouldBe(4);
        ILocator aggregated = probe.Page.Locator("#latency-rows input[data-row='Aggregated']");
        (await aggregated.IsCheckedAsync()).ShouldBeFalse();
        await aggregated.CheckAsync();
        (await probe.Page.Locator("#chart-latency .u-legend .u-series:not(.u-off)").CountAsync()).ShouldBe(1 + (4 * 3));
        await aggregated.UncheckAsync();

        await probe.Page.Locator("#verdict").ScrollIntoViewIfNeededAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        await probe.Page.ScreenshotAsync(new() { Path = ScreenshotPath, FullPage = true });

        probe.Requests.ShouldAllBe(url => url.StartsWith("file://", StringComparison.Ordinal), "the report requested something other than itself");
        probe.Requests.ShouldBe([new Uri(path).AbsoluteUri]);
        probe.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Report_WithChecks_StylesFailuresAndRequestsNothing()
    {
        string path = Path.Combine(_directory, "report-checks.html");
        await HtmlReportWriter.WriteAsync(await HtmlReportFiles.ReadRunWithChecksAsync(), path);
        await using PageProbe probe = await browser.OpenAsync();

        await probe.Page.GotoAsync(new Uri(path).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        await probe.Page.WaitForSelectorAsync("body[data-charts-ready]", new() { State = WaitForSelectorState.Attached });

        // The failed threshold, the overspent budget and the regressed row are drawn in the failure colour (--fail: #b91c1c).
        foreach (string cell in (string[])["#thresholds-table td.result.fail", "#slos-table td.overspent", "#baseline-table td.regressed"])
        {
            (await probe.Page.Locator(cell).First.EvaluateAsync<string>("c => getComputedStyle(c).color")).ShouldBe("rgb(185, 28, 28)", cell);
        }

        (await probe.Page.Locator("#thresholds-table td.result.pass").EvaluateAsync<string>("c => getComputedStyle(c).color")).ShouldBe("rgb(21, 128, 61)");
        await probe.Page.Locator("#checks").ScreenshotAsync(new() { Path = ChecksScreenshotPath });

        probe.Requests.ShouldBe([new Uri(path).AbsoluteUri]);
        probe.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Report_WithTarget_ShowsTheBottleneckTheKneeAndEachResourcesChart()
    {
        string path = Path.Combine(_directory, "report-target.html");
        await HtmlReportWriter.WriteAsync(await HtmlReportFiles.ReadRunWithTargetAsync(), path);
        await using PageProbe probe = await browser.OpenAsync();

        await probe.Page.GotoAsync(new Uri(path).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        await probe.Page.WaitForSelectorAsync("body[data-charts-ready]", new() { State = WaitForSelectorState.Attached });

        // The run's 5 charts, and the analysis' throughput, latency and 4 resources (cpu, memory, queue, concurrency).
        (await probe.Page.GetAttributeAsync("body", "data-charts-ready")).ShouldBe("11");
        (await probe.Page.InnerTextAsync("#bottleneck strong")).ShouldBe("Bottleneck: cpu");
        (await probe.Page.Locator("#bottleneck").EvaluateAsync<string>("p => getComputedStyle(p).borderLeftColor")).ShouldBe("rgb(161, 98, 7)");
        (await probe.Page.Locator("#evidence-table .badge.saturated").EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor")).ShouldBe("rgb(185, 28, 28)");
        string[] charts = ["chart-analysis-throughput", "chart-analysis-latency", "chart-resource-0", "chart-resource-1", "chart-resource-2", "chart-resource-3"];
        foreach (string chart in charts)
        {
            (await probe.Page.Locator($"#{chart} .uplot canvas").CountAsync()).ShouldBe(1, $"#{chart} has no uPlot canvas");
            (await probe.Page.Locator($"#{chart} canvas").EvaluateAsync<int>("c => c.width")).ShouldBeGreaterThan(200);

            // The knee (history second 9, drawn at x = 10) inside each plot, at the same x in every chart of a column.
            ILocator knee = probe.Page.Locator($"#{chart} .knee-line");
            (await knee.CountAsync()).ShouldBe(1, $"#{chart} has no knee line");
            (await knee.IsVisibleAsync()).ShouldBeTrue($"#{chart}'s knee line is hidden");
            (await knee.InnerTextAsync()).ShouldBe("knee");
        }

        double[] lefts = await KneesAsync();
        for (int i = 2; i < lefts.Length; i++)
        {
            lefts[i].ShouldBe(lefts[i % 2], tolerance: 1, $"{charts[i]}'s knee is not under {charts[i % 2]}'s");
        }

        // One cursor: hovering the cpu chart moves the cursor of the throughput chart (above it) to the same second.
        ILocator over = probe.Page.Locator("#chart-resource-0 .u-over");
        await over.ScrollIntoViewIfNeededAsync();
        var box = (await over.BoundingBoxAsync())!;
        await probe.Page.Mouse.MoveAsync(box.X + (box.Width * 0.5f), box.Y + (box.Height * 0.5f));
        double cursor = await probe.Page.Locator("#chart-resource-0 .u-cursor-x").EvaluateAsync<double>("c => c.getBoundingClientRect().left");
        double synced = await probe.Page.Locator("#chart-analysis-throughput .u-cursor-x").EvaluateAsync<double>("c => c.getBoundingClientRect().left");
        cursor.ShouldBe(box.X + (box.Width * 0.5), tolerance: 1.5);
        synced.ShouldBe(cursor, tolerance: 1.5);

        // One zoom: dragging across the cpu chart (about 0:06 to 0:14) zooms every chart, so the knees still line up.
        double[] before = await KneesAsync();
        await probe.Page.Mouse.MoveAsync(box.X + (box.Width * 0.3f), box.Y + (box.Height * 0.5f));
        await probe.Page.Mouse.DownAsync();
        await probe.Page.Mouse.MoveAsync(box.X + (box.Width * 0.7f), box.Y + (box.Height * 0.5f), new() { Steps = 5 });
        await probe.Page.Mouse.UpAsync();
        double[] zoomed = await KneesAsync();
        Math.Abs(zoomed[2] - before[2]).ShouldBeGreaterThan(10, "the drag did not zoom the cpu chart");
        for (int i = 0; i < zoomed.Length; i++)
        {
            (zoomed[i] - before[i]).ShouldBe(zoomed[2] - before[2], tolerance: 1, $"{charts[i]} did not zoom with the cpu chart");
        }

        // Double-click zooms them all out again.
        await over.DblClickAsync();
        (await KneesAsync()).ShouldBe(before, tolerance: 1);

        await probe.Page.Mouse.MoveAsync(0, 0);
        await probe.Page.Locator("#analysis").ScreenshotAsync(new() { Path = AnalysisScreenshotPath });
        await probe.Page.Locator("#target").ScreenshotAsync(new() { Path = Path.Combine(Path.GetDirectoryName(AnalysisScreenshotPath)!, "html-report-target.png") });

        probe.Requests.ShouldBe([new Uri(path).AbsoluteUri]);
        probe.Problems.ShouldBeEmpty();

        async Task<double[]> KneesAsync() =>
            [.. await Task.WhenAll(charts.Select(c => probe.Page.Locator($"#{c} .knee-line").EvaluateAsync<double>("l => l.getBoundingClientRect().left")))];
    }

    [Fact]
    public async Task Probe_PageThatFetches_IsCaught()
    {
        // The detector itself: a page with a remote image must be seen requesting it (the request is
        // aborted by the route, so nothing leaves the machine), or the test above proves nothing.
        string path = Path.Combine(_directory, "leaky.html");
        Directory.CreateDirectory(_directory);
        await File.WriteAllTextAsync(path, "<!DOCTYPE html><title>leaky</title><img src=\"http://127.0.0.1:9/probe.png\">");
        await using PageProbe probe = await browser.OpenAsync();

        await probe.Page.GotoAsync(new Uri(path).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });

        probe.Requests.ShouldContain("http://127.0.0.1:9/probe.png");
    }

    /// <summary>One Chromium for the class: starting it is most of a browser test's time.</summary>
    public sealed class BrowserFixture : IAsyncLifetime
    {
        private IPlaywright? _playwright;
        private IBrowser? _browser;

        public async Task InitializeAsync()
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await HeadlessChromium.LaunchAsync(_playwright);
        }

        public async Task DisposeAsync()
        {
            if (_browser is not null)
            {
                await _browser.DisposeAsync();
            }

            _playwright?.Dispose();
        }

        /// <summary>A fresh page whose every request is recorded and every non-file request aborted.</summary>
        public async Task<PageProbe> OpenAsync()
        {
            IBrowserContext context = await _browser!.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
            context.SetDefaultTimeout(10_000);
            var probe = new PageProbe(context, await context.NewPageAsync());
            await context.RouteAsync("**/*", route => route.Request.Url.StartsWith("file://", StringComparison.Ordinal)
                ? route.ContinueAsync()
                : route.AbortAsync());
            return probe;
        }
    }

    /// <summary>A page, the URLs it requested, and its console errors, warnings and uncaught exceptions.</summary>
    public sealed class PageProbe : IAsyncDisposable
    {
        private readonly IBrowserContext _context;
        private readonly ConcurrentQueue<string> _requests = new();
        private readonly ConcurrentQueue<string> _problems = new();

        public PageProbe(IBrowserContext context, IPage page)
        {
            _context = context;
            Page = page;
            page.Request += (_, request) => _requests.Enqueue(request.Url);
            page.Console += (_, message) =>
            {
                if (message.Type is "error" or "warning")
                {
                    _problems.Enqueue($"console {message.Type}: {message.Text}");
                }
            };
            page.PageError += (_, error) => _problems.Enqueue($"uncaught: {error}");
        }

        public IPage Page { get; }

        public IReadOnlyList<string> Requests => [.. _requests];

        public IReadOnlyList<string> Problems => [.. _problems];

        public async ValueTask DisposeAsync() => await _context.CloseAsync();
    }
}
