using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Spectre.Console;
using Stampede.Tool.Commands;

namespace Stampede.Tool.Tests.Commands;

public sealed class DemoCommandTests : IDisposable
{
    private readonly string _reportDir = Path.Combine(Path.GetTempPath(), "stampede-demo-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_reportDir))
        {
            Directory.Delete(_reportDir, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_ShortDemo_BothRowsRoughlySeventyThirtyAndLargeImagesSlower()
    {
        int exit = await DemoCommand.RunAsync(
            new DemoSettings(TimeSpan.FromSeconds(12), Users: 12, Workers: 2, _reportDir, Seed: 5, OnlySummary: true),
            CancellationToken.None);

        exit.ShouldBe(0);
        File.Exists(Path.Combine(_reportDir, "demo_stats.csv")).ShouldBeTrue();
        (await File.ReadAllTextAsync(Path.Combine(_reportDir, "demo.html"))).ShouldContain("<div><dt>Requests</dt>");
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_reportDir, "demo.json")));
        JsonElement[] rows = [.. document.RootElement.GetProperty("rows").EnumerateArray()];
        JsonElement small = rows.Single(r => r.GetProperty("name").GetString() == "predict small");
        JsonElement large = rows.Single(r => r.GetProperty("name").GetString() == "predict large");
        double smallCount = small.GetProperty("requests").GetInt64();
        double largeCount = large.GetProperty("requests").GetInt64();
        (smallCount + largeCount).ShouldBeGreaterThan(30);
        (smallCount / (smallCount + largeCount)).ShouldBe(0.7, 0.15);
        small.GetProperty("failures").GetInt64().ShouldBe(0);
        large.GetProperty("failures").GetInt64().ShouldBe(0);

        // Decoding and resizing a 1920×1080 JPEG costs more than a 224×224 one, whatever the noise.
        large.GetProperty("medianMs").GetDouble().ShouldBeGreaterThan(small.GetProperty("medianMs").GetDouble());
    }

    [Fact]
    public async Task RunAsync_DemoEnds_ServerProcessGoneAndItsLogInReportFolder()
    {
        var output = new StringWriter();
        var errors = new StringWriter();

        int exit = await DemoCommand.RunAsync(
            new DemoSettings(TimeSpan.FromSeconds(3), Users: 2, Workers: 1, _reportDir, Seed: 1, OnlySummary: true),
            Console(output),
            errors,
            CancellationToken.None);

        exit.ShouldBe(0, errors.ToString());
        int pid = ProcessIdIn(output.ToString(), @"serve-demo pid (\d+)");
        pid.ShouldNotBe(Environment.ProcessId);
        IsRunning(pid).ShouldBeFalse();
        string log = await File.ReadAllTextAsync(Path.Combine(_reportDir, DemoCommand.ServerLogFile));
        log.ShouldContain("listening on http://127.0.0.1:");
        log.ShouldContain("Ready: model loaded");

        // The load test scraped the server's /metrics and read its process from /proc: the server is watched, not guessed.
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_reportDir, "demo.json")));
        JsonElement[] sources = [.. document.RootElement.GetProperty("target").GetProperty("sources").EnumerateArray()];
        JsonElement metrics = sources.Single(s => s.GetProperty("name").GetString() == "demo");
        metrics.GetProperty("kind").GetString().ShouldBe("prometheus");
        metrics.GetProperty("url").GetString()!.ShouldStartWith("http://127.0.0.1:");
        metrics.GetProperty("url").GetString()!.ShouldEndWith("/metrics");
        metrics.GetProperty("scrapes").GetInt64().ShouldBeGreaterThan(0);
        metrics.GetProperty("failures").GetInt64().ShouldBe(0);
        JsonElement process = sources.Single(s => s.GetProperty("url").GetString() == $"/proc/{pid}");
        process.GetProperty("kind").GetString().ShouldBe("process");
        process.GetProperty("failures").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_ServerRejectsWorkers_ReturnsFailureWithItsMessageAndNoProcessLeft()
    {
        var errors = new StringWriter();

        int exit = await DemoCommand.RunAsync(
            new DemoSettings(TimeSpan.FromSeconds(3), Users: 1, Workers: 0, _reportDir, Seed: 1, OnlySummary: true),
            Console(new StringWriter()),
            errors,
            CancellationToken.None);

        exit.ShouldBe(DemoCommand.ServerFailedExitCode);
        string message = errors.ToString();
        message.ShouldContain("the demo ML API did not start");
        message.ShouldContain("exited with code 2 before it printed the address");
        message.ShouldContain("--workers: '0' is not valid");
        IsRunning(ProcessIdIn(message, @"\(pid (\d+)\)")).ShouldBeFalse();
        File.Exists(Path.Combine(_reportDir, DemoCommand.ServerLogFile)).ShouldBeTrue();
    }

    [Fact]
    public async Task RunAsync_ServerExecutableMissing_ReturnsFailureNamingIt()
    {
        var errors = new StringWriter();
        string missing = Path.Combine(_reportDir, "no-such-server");

        int exit = await DemoCommand.RunAsync(
            new DemoSettings(TimeSpan.FromSeconds(3), Users: 1, Workers: 1, _reportDir, Seed: 1, OnlySummary: true) { ServerCommand = [missing, "serve-demo"] },
            Console(new StringWriter()),
            errors,
            CancellationToken.None);

        exit.ShouldBe(DemoCommand.ServerFailedExitCode);
        errors.ToString().ShouldContain($"Could not start the server `{missing} serve-demo`");
    }

    [Fact]
    public async Task RunAsync_ServerNeverListens_TimesOutWithItsOutputAndNoProcessLeft()
    {
        var errors = new StringWriter();
        var clock = Stopwatch.StartNew();

        int exit = await DemoCommand.RunAsync(
            new DemoSettings(TimeSpan.FromSeconds(3), Users: 1, Workers: 1, _reportDir, Seed: 1, OnlySummary: true)
            {
                ServerCommand = ["/bin/sh", "-c", "echo warming up; exec sleep 30"],
                ServerStartupTimeout = TimeSpan.FromSeconds(1),
            },
            Console(new StringWriter()),
            errors,
            CancellationToken.None);

        exit.ShouldBe(DemoCommand.ServerFailedExitCode);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15));
        string message = errors.ToString();
        message.ShouldContain("was not ready within 1 s");
        message.ShouldContain("warming up");
        IsRunning(ProcessIdIn(message, @"\(pid (\d+)\)")).ShouldBeFalse();
    }

    [Fact]
    public void TargetArguments_ServerAddressAndPid_PointsAtItsMetricsAndProcess()
    {
        IReadOnlyList<string> arguments = DemoCommand.TargetArguments("http://127.0.0.1:4321", 77);

        arguments.ShouldBe(["--metrics-url", "demo=http://127.0.0.1:4321/metrics", "--watch-pid", "77"]);
    }

    private static IAnsiConsole Console(TextWriter output) =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });

    private static int ProcessIdIn(string text, string pattern)
    {
        Match match = Regex.Match(text, pattern);
        match.Success.ShouldBeTrue($"no process id in: {text}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
