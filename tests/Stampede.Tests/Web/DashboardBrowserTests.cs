using System.Collections.Concurrent;
using Microsoft.Playwright;
using Stampede.Analysis;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Tests.Browser;
using Stampede.Core.Tests.Infrastructure;
using Stampede.Web;

namespace Stampede.Tests.Web;

/// <summary>
/// The live dashboard in a real headless Chromium (Debian's /usr/bin/chromium, installed by test.sh), used as a
/// person would: start a run against a loopback test server, watch the table and charts fill, change the user
/// count, stop, download the CSV. Screenshots are left in the test output folder.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{

    private const string LocustStatsHeader =
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

    private readonly string _outputs = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));
    private LoopbackServer _target = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where the screenshots are left for a person to look at.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        _target = await LoopbackServer.StartAsync();
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
        await _target.DisposeAsync();
        if (Directory.Exists(_outputs))
        {
            Directory.Delete(_outputs, recursive: true);
        }
    }

    [Fact]
    public async Task Dashboard_StartWatchChangeUsersStopDownload_WorksInChromium()
    {
        string prefix = Path.Combine(_outputs, "web");
        await using DashboardHost host = await DashboardHost.StartAsync(["--host", _target.Address, "-u", "3", "-r", "20", "--csv", prefix], typeof(DashUser));
        string origin = host.Address.GetLeftPart(UriPartial.Authority);
        var requests = new ConcurrentQueue<string>();
        var problems = new ConcurrentQueue<string>();
        await using IBrowserContext context = await NewContextAsync(origin, requests);
        IPage page = await OpenAsync(context, host, problems);

        // The form shows the command line's settings; without --slo there is no thresholds panel.
        (await page.IsHiddenAsync("#thresholds")).ShouldBeTrue();
        (await page.InputValueAsync("#host-input")).ShouldBe(_target.Address);
        (await page.InputValueAsync("#users-input")).ShouldBe("3");

        // Start, and watch the table fill and the charts gain points.
        await page.FillAsync("#users-input", "2");
        await page.ClickAsync("#start-button");
        await page.WaitForSelectorAsync("body[data-state=running]", new() { State = WaitForSelectorState.Attached });
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.points) >= 3", null, new() { Timeout = 15_000 });
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#stats-table tbody tr:not(.empty)').length >= 3");
        string table = await page.InnerTextAsync("#stats-table");
        table.ShouldContain("ok");
        table.ShouldContain("Aggregated");
        (await page.InnerTextAsync("#failures-table")).ShouldContain("500");
        foreach (string chart in (string[])["chart-rps", "chart-latency", "chart-users"])
        {
            (await page.Locator($"#{chart} .uplot canvas").CountAsync()).ShouldBe(1, $"#{chart} has no uPlot canvas");
        }

        int pointsBefore = int.Parse((await page.GetAttributeAsync("body", "data-points"))!, System.Globalization.CultureInfo.InvariantCulture);
        await page.WaitForFunctionAsync($"() => Number(document.body.dataset.points) > {pointsBefore}");
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "dashboard-running.png"), FullPage = true });

        // Change the user count while it runs.
        await page.FillAsync("#change-users-input", "5");
        await page.ClickAsync("#change-users-button");
        await page.WaitForFunctionAsync("() => document.getElementById('figure-users').textContent === '5 / 5'");
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.points) >= 6");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "dashboard-five-users.png"), FullPage = true });

        // Stop, then download the statistics CSV.
        await page.ClickAsync("#stop-button");
        await page.WaitForSelectorAsync("body[data-state=stopped]", new() { State = WaitForSelectorState.Attached });
        await page.WaitForSelectorAsync("#download-csv[aria-disabled=false]", new() { State = WaitForSelectorState.Attached });
        IDownload download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-csv"));
        string saved = Path.Combine(_outputs, download.SuggestedFilename);
        await download.SaveAsAsync(saved);
        download.SuggestedFilename.ShouldEndWith("_stats.csv");
        string[] csv = await File.ReadAllLinesAsync(saved);
        csv[0].ShouldBe(LocustStatsHeader);
        csv.ShouldContain(line => line.StartsWith("GET,ok,", StringComparison.Ordinal));
        csv.ShouldContain(line => line.StartsWith(",Aggregated,", StringComparison.Ordinal));
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "dashboard-stopped.png"), FullPage = true });

        requests.ShouldAllBe(url => url.StartsWith(origin + "/", StringComparison.Ordinal), "the dashboard requested something from elsewhere");
        problems.ShouldBeEmpty();

        // Ctrl-C: the app writes the last run's --csv outputs and exits with its code (1: the 500s).
        (await host.StopAsync()).ShouldBe(1, host.Errors.ToString());
        (await File.ReadAllLinesAsync(prefix + "_stats.csv"))[0].ShouldBe(LocustStatsHeader);
    }

    [Fact]
    public async Task Dashboard_WithThresholds_ShowsEachVerdictLiveAndAtTheEnd()
    {
        await using DashboardHost host = await DashboardHost.StartAsync(
            ["--host", _target.Address, "-u", "2", "-r", "20", "--slo", "p95<10s", "--slo", "rps>=100000", "--slo", "\"<b>nope</b>\": p95<1s"],
            typeof(DashUser));
        string origin = host.Address.GetLeftPart(UriPartial.Authority);
        var requests = new ConcurrentQueue<string>();
        var problems = new ConcurrentQueue<string>();
        await using IBrowserContext context = await NewContextAsync(origin, requests);
        IPage page = await OpenAsync(context, host, problems);
        const string Rows = "#thresholds-table tbody tr";

        // Before the run: the panel lists the three thresholds, none measured yet.
        await page.WaitForSelectorAsync("#thresholds", new() { State = WaitForSelectorState.Visible });
        (await page.Locator(Rows).CountAsync()).ShouldBe(3);
        (await page.Locator($"{Rows} .badge.nodata").CountAsync()).ShouldBe(3);
        (await page.InnerTextAsync("#thresholds-overall")).ShouldContain("once a run starts");

        // Running: p95<10s passes, rps>=100000 fails, the row that does not exist has no data.
        await page.ClickAsync("#start-button");
        await page.WaitForSelectorAsync($"{Rows}[data-expression='rps>=100000'][data-result=fail] .badge.fail");
        await page.WaitForSelectorAsync($"{Rows}[data-expression='p95<10s'][data-result=pass] .badge.pass");
        (await page.InnerTextAsync($"{Rows}[data-expression='rps>=100000'] .badge")).ShouldBe("FAIL");
        (await page.InnerTextAsync($"{Rows}[data-expression='rps>=100000']")).ShouldContain("rps = ");
        (await page.InnerTextAsync($"{Rows}[data-expression='p95<10s'] .badge")).ShouldBe("pass");
        string overall = await page.InnerTextAsync("#thresholds-overall");
        overall.ShouldContain("On the run so far");
        overall.ShouldContain("1 of 3 FAIL");

        // A row name is text, never markup.
        ILocator nope = page.Locator($"{Rows}[data-result=noData]");
        (await nope.InnerTextAsync()).ShouldContain("\"<b>nope</b>\": p95<1s");
        (await nope.InnerTextAsync()).ShouldContain("NO DATA");
        (await page.Locator("#thresholds-table b").CountAsync()).ShouldBe(0);
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "dashboard-thresholds.png"), FullPage = true });

        // Stopped: the panel shows the run's end-of-run evaluation.
        await page.ClickAsync("#stop-button");
        await page.WaitForSelectorAsync("body[data-state=stopped]", new() { State = WaitForSelectorState.Attached });
        await page.WaitForFunctionAsync("() => document.getElementById('thresholds-overall').textContent.startsWith('At the end of the run')");
        (await page.InnerTextAsync("#thresholds-overall")).ShouldContain("1 of 3 FAILED");
        (await page.Locator($"{Rows}[data-expression='rps>=100000'] .badge.fail").CountAsync()).ShouldBe(1);

        requests.ShouldAllBe(url => url.StartsWith(origin + "/", StringComparison.Ordinal), "the dashboard requested something from elsewhere");
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Dashboard_WatchingTheTarget_ShowsItsValuesChartAndTheBottleneck()
    {
        // The page is the real dashboard's; its event stream is two events written by DashboardEvents from views whose
        // target was built by hand (DashboardEventsTests.Watched): a running second, then the ended run with its verdict.
        await using DashboardHost host = await DashboardHost.StartAsync(["--host", _target.Address, "-u", "1", "-r", "1"], typeof(DashUser));
        string origin = host.Address.GetLeftPart(UriPartial.Authority);
        var requests = new ConcurrentQueue<string>();
        var problems = new ConcurrentQueue<string>();
        await using IBrowserContext context = await NewContextAsync(origin, requests);
        StatsSnapshot stats = DashboardEventsTests.Watched(DashboardEventsTests.TenPerSecondFor10Seconds());
        var result = new RunResult
        {
            Stats = stats,
            StopReason = StopReason.RunTimeElapsed,
            Seed = 1,
            EndedAt = stats.Timestamp,
            UserClasses = [],
            Validity = RunValidity.Judge(stats),
            Bottleneck = new BottleneckAnalysis { Resource = "cpu", Summary = "The process ran out of CPU: <b>1.5 of 2 cores</b>.", AtSecond = 7 },
        };
        string running = DashboardEvents.Write(new DashboardView { Version = 1, RunId = 1, State = DashboardRunState.Running, TargetUsers = 1, Stats = stats }, 0, out int points);
        string stopped = DashboardEvents.Write(new DashboardView { Version = 2, RunId = 1, State = DashboardRunState.Stopped, TargetUsers = 1, Stats = stats, Result = result }, points, out _);
        await context.RouteAsync(origin + "/events", route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "text/event-stream",
            Body = $"retry: 600000\n\ndata: {running}\n\ndata: {stopped}\n\n",
        }));
        IPage page = await context.NewPageAsync();
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning")
            {
                problems.Enqueue($"console {m.Type}: {m.Text}");
            }
        };
        page.PageError += (_, e) => problems.Enqueue($"uncaught: {e}");

        await page.GotoAsync(host.Address.AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        await page.WaitForSelectorAsync("body[data-state=stopped][data-target-series='4']", new() { State = WaitForSelectorState.Attached });

        // The table: one row per series with its latest value and share of capacity.
        (await page.IsVisibleAsync("#target")).ShouldBeTrue();
        ILocator rows = page.Locator("#target-table tbody tr");
        (await rows.CountAsync()).ShouldBe(4);
        (await rows.Nth(0).InnerTextAsync()).ShouldContain("cpu");
        (await rows.Nth(0).InnerTextAsync()).ShouldContain("1.5 cores");
        (await rows.Nth(0).InnerTextAsync()).ShouldContain("75% of 2 cores");
        (await rows.Nth(1).InnerTextAsync()).ShouldContain("191 MiB");
        (await rows.Nth(2).InnerTextAsync()).ShouldContain("stampede_demo_queue_length{model=\"resnet18\"}");
        (await page.InnerTextAsync("#target-sources")).ShouldContain("demo (prometheus, http://127.0.0.1:8080/metrics): 11 scrapes, 1 failed (1 timed out), last: timed out after 500 ms");

        // The chart beside RPS and latency, with every point of the run.
        (await page.IsVisibleAsync("#target-figure")).ShouldBeTrue();
        (await page.Locator("#chart-target .uplot canvas").CountAsync()).ShouldBe(1);
        (await page.Locator("#chart-target .u-legend .u-series").CountAsync()).ShouldBe(4);
        (await page.Locator("#chart-rps").EvaluateAsync<double>("e => e.getBoundingClientRect().top")).ShouldBe(
            await page.Locator("#chart-target").EvaluateAsync<double>("e => e.getBoundingClientRect().top"), tolerance: 1);

        // The verdict at the end, as text.
        (await page.InnerTextAsync("#target-bottleneck-headline")).ShouldBe("Bottleneck: cpu");
        (await page.InnerTextAsync("#target-bottleneck-summary")).ShouldBe("The process ran out of CPU: <b>1.5 of 2 cores</b>.");
        (await page.Locator("#target b").CountAsync()).ShouldBe(0);
        (await page.IsHiddenAsync("#llm")).ShouldBeTrue("a run without streams has no LLM panel");
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "dashboard-target.png"), FullPage = true });

        requests.ShouldAllBe(url => url.StartsWith(origin + "/", StringComparison.Ordinal), "the dashboard requested something from elsewhere");
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Dashboard_RunWithStreams_ShowsTheLlmTableAndChart()
    {
        // Two events written by DashboardEvents from a run whose four streams went through the real aggregator
        // (DashboardEventsLlmTests.WithStreams): a running snapshot with every second's points, then the ended run.
        await using DashboardHost host = await DashboardHost.StartAsync(["--host", _target.Address, "-u", "1", "-r", "1"], typeof(DashUser));
        string origin = host.Address.GetLeftPart(UriPartial.Authority);
        var requests = new ConcurrentQueue<string>();
        var problems = new ConcurrentQueue<string>();
        await using IBrowserContext context = await NewContextAsync(origin, requests);
        StatsSnapshot stats = DashboardEventsLlmTests.WithStreams("ttft<250ms,tpot<50ms");
        string running = DashboardEvents.Write(new DashboardView { Version = 1, RunId = 1, State = DashboardRunState.Running, TargetUsers = 1, Stats = stats }, 0, out int points);
        string stopped = DashboardEvents.Write(new DashboardView { Version = 2, RunId = 1, State = DashboardRunState.Stopped, TargetUsers = 1, Stats = stats }, points, out _);
        await context.RouteAsync(origin + "/events", route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "text/event-stream",
            Body = $"retry: 600000\n\ndata: {running}\n\ndata: {stopped}\n\n",
        }));
        IPage page = await context.NewPageAsync();
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning")
            {
                problems.Enqueue($"console {m.Type}: {m.Text}");
            }
        };
        page.PageError += (_, e) => problems.Enqueue($"uncaught: {e}");

        await page.GotoAsync(host.Address.AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        await page.WaitForSelectorAsync($"body[data-state=stopped][data-llm-rows='2'][data-points='{points}']", new() { State = WaitForSelectorState.Attached });

        // The table: the streaming row and the aggregate, not the GET; TTFT p50 is HdrHistogram's 200.063 ms.
        (await page.IsVisibleAsync("#llm")).ShouldBeTrue();
        ILocator rows = page.Locator("#llm-table tbody tr");
        (await rows.CountAsync()).ShouldBe(2);
        (await rows.Nth(0).InnerTextAsync()).ShouldBe("POST\tchat\t4\t200.1\t400\t400\t10\t10\t10\t10\t290\t490\t10\t20\t10\tserver usage\t50% (2), 0.5/s");
        (await page.IsVisibleAsync("#llm-goodput-head")).ShouldBeTrue();
        (await page.InnerTextAsync("#llm-goodput")).ShouldContain("--goodput ttft<250ms,tpot<50ms");
        (await rows.Nth(1).InnerTextAsync()).ShouldStartWith("\tAggregated\t4\t200.1");
        (await page.InnerTextAsync("#llm-table")).ShouldNotContain("/health");

        // The chart: TTFT p50, p95 and output tokens/s on the run's time axis.
        (await page.Locator("#chart-llm .uplot canvas").CountAsync()).ShouldBe(1);
        (await page.Locator("#chart-llm .u-legend .u-series").AllInnerTextsAsync()).Select(t => t.Trim()).ShouldBe(["TTFT p50", "TTFT p95", "Output tokens/s"]);
        (await page.Locator("#chart-llm").EvaluateAsync<double>("e => e.getBoundingClientRect().width")).ShouldBeGreaterThan(600);
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "dashboard-llm.png"), FullPage = true });

        requests.ShouldAllBe(url => url.StartsWith(origin + "/", StringComparison.Ordinal), "the dashboard requested something from elsewhere");
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Dashboard_CapacitySearch_ShowsItsProgressStepsAndTheAnalysesAtTheEnd()
    {
        // Two events written by DashboardEvents from views built by hand (DashboardEventsTests.Searching/Analysed): a
        // capacity search in its third step, then the ended run with its capacity, autoscaling and drift verdicts.
        await using DashboardHost host = await DashboardHost.StartAsync(["--host", _target.Address, "-u", "1", "-r", "1"], typeof(DashUser));
        string origin = host.Address.GetLeftPart(UriPartial.Authority);
        var requests = new ConcurrentQueue<string>();
        var problems = new ConcurrentQueue<string>();
        await using IBrowserContext context = await NewContextAsync(origin, requests);
        StatsSnapshot stats = DashboardEventsTests.Searching(DashboardEventsTests.TenPerSecondFor10Seconds());
        string running = DashboardEvents.Write(new DashboardView { Version = 1, RunId = 1, State = DashboardRunState.Running, TargetUsers = 1, Stats = stats }, 0, out int points);
        string stopped = DashboardEvents.Write(new DashboardView { Version = 2, RunId = 1, State = DashboardRunState.Stopped, TargetUsers = 1, Stats = stats, Result = DashboardEventsTests.Analysed(stats) }, points, out _);
        IPage page = await context.NewPageAsync();
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning")
            {
                problems.Enqueue($"console {m.Type}: {m.Text}");
            }
        };
        page.PageError += (_, e) => problems.Enqueue($"uncaught: {e}");

        // First the running search alone: its progress line and the steps judged so far, no verdicts yet.
        await context.RouteAsync(origin + "/events", route => route.FulfillAsync(new() { Status = 200, ContentType = "text/event-stream", Body = $"retry: 600000\n\ndata: {running}\n\n" }));
        await page.GotoAsync(host.Address.AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        await page.WaitForSelectorAsync("body[data-state=running][data-experiment-phase=bisect]", new() { State = WaitForSelectorState.Attached });
        (await page.IsVisibleAsync("#experiment")).ShouldBeTrue();
        (await page.InnerTextAsync("#experiment-progress")).ShouldBe(stats.Experiment!.Text);
        ILocator steps = page.Locator("#experiment-steps tbody tr");
        (await steps.CountAsync()).ShouldBe(2);
        (await steps.Nth(0).InnerTextAsync()).ShouldContain("grow\t10\t10\t60 ms\t120 ms\t144 ms\t0%\tpass\tmet the SLO");
        (await steps.Nth(1).InnerTextAsync()).ShouldContain("20\t20\t210 ms\t420 ms\t504 ms\t2%\tfail\tp95<300ms (p95 = 420 ms)");
        (await page.Locator("#experiment-analyses li").CountAsync()).ShouldBe(0);

        // Then the ended run: the search is done and each analysis has its badge and summary, as text.
        await page.UnrouteAsync(origin + "/events");
        await context.RouteAsync(origin + "/events", route => route.FulfillAsync(new() { Status = 200, ContentType = "text/event-stream", Body = $"retry: 600000\n\ndata: {stopped}\n\n" }));
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.Load });
        await page.WaitForSelectorAsync("body[data-state=stopped]", new() { State = WaitForSelectorState.Attached });
        ILocator analyses = page.Locator("#experiment-analyses li");
        (await analyses.CountAsync()).ShouldBe(3);
        (await analyses.Nth(0).InnerTextAsync()).ShouldBe("PASS Capacity: Capacity under the SLO (p95<300ms): 14.5 iterations/s <within 5%>.");
        (await page.Locator("#experiment-analyses li[data-kind=autoscaling] .badge.fail").InnerTextAsync()).ShouldBe("FAIL");
        (await analyses.Nth(2).InnerTextAsync()).ShouldContain("Drift: p95 of POST predict: rising");
        (await page.InnerTextAsync("#downloads-note")).ShouldContain("its experiment found its answer");
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "dashboard-experiment.png"), FullPage = true });

        requests.ShouldAllBe(url => url.StartsWith(origin + "/", StringComparison.Ordinal), "the dashboard requested something from elsewhere");
        problems.ShouldBeEmpty();
    }

    /// <summary>A browser context that lets the page reach the dashboard only, and records every request it makes.</summary>
    private async Task<IBrowserContext> NewContextAsync(string origin, ConcurrentQueue<string> requests)
    {
        IBrowserContext context = await _browser!.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 }, AcceptDownloads = true });
        context.SetDefaultTimeout(15_000);
        await context.RouteAsync("**/*", route =>
        {
            requests.Enqueue(route.Request.Url);
            return route.Request.Url.StartsWith(origin + "/", StringComparison.Ordinal) ? route.ContinueAsync() : route.AbortAsync();
        });
        return context;
    }

    /// <summary>Opens the dashboard and waits until its event stream is connected; console errors and uncaught exceptions go to <paramref name="problems"/>.</summary>
    private static async Task<IPage> OpenAsync(IBrowserContext context, DashboardHost host, ConcurrentQueue<string> problems)
    {
        IPage page = await context.NewPageAsync();
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning")
            {
                problems.Enqueue($"console {m.Type}: {m.Text}");
            }
        };
        page.PageError += (_, e) => problems.Enqueue($"uncaught: {e}");
        await page.GotoAsync(host.Address.AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        await page.WaitForSelectorAsync("body[data-connected=true]", new() { State = WaitForSelectorState.Attached });
        return page;
    }

    /// <summary>Asks /ok nine times for every failing /status?code=500, twenty times a second.</summary>
    internal sealed class DashUser : HttpUser
    {
        public override WaitTime WaitTime => WaitTime.Constant(0.05);

        [Task(9)]
        public Task Ok() => Client.GetAsync("/ok", name: "ok");

        [Task(1)]
        public Task Broken() => Client.GetAsync("/status?code=500", name: "broken");
    }
}
