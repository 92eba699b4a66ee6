using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stampede.Demo;

namespace Stampede.Tool.Commands;

/// <summary>
/// <c>stampede demo</c>: starts the bundled demo ML API in-process on a free loopback port, waits for
/// its model to be ready, and load-tests it with examples/image-classifier.cs's user class (70% 224×224
/// images, 30% 1920×1080), ramping up past the server's capacity, with the live console; it ends with
/// the summary and a report folder (demo.html, the CSV files, demo.json).
/// </summary>
internal static class DemoCommand
{
    /// <summary>
    /// Users the demo ramps to by default. With 0.5–2 s of think time 60 users offer about 45 requests/s,
    /// past the ~42 requests/s two workers serve on a 2-core machine (measured), so the run shows
    /// latency climbing as the queue fills, and 503s once it is full.
    /// </summary>
    public const int DefaultUsers = 60;

    public static Command Create()
    {
        var runTime = new Option<TimeSpan>("--run-time", "-t") { Description = "How long the load test runs (default 1m).", DefaultValueFactory = _ => TimeSpan.FromMinutes(1) };
        runTime.CustomParser = r => ToolParsers.Duration(r, "--run-time");
        var users = new Option<int>("--users", "-u") { Description = $"Users to ramp up to (default {DefaultUsers}).", DefaultValueFactory = _ => DefaultUsers };
        users.CustomParser = r => ToolParsers.Int(r, "--users", min: 1);
        var workers = new Option<int>("--workers") { Description = "Inference workers of the demo server (default: the cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        workers.CustomParser = r => ToolParsers.Int(r, "--workers", min: 1, max: 256);
        var reportDir = new Option<string?>("--report-dir") { Description = "Where the HTML report, CSV and JSON outputs go (default out/demo-<time>)." };
        var seed = new Option<int?>("--seed") { Description = "Seed for the users' random choices." };
        var onlySummary = new Option<bool>("--only-summary") { Description = "No live table, only the summary." };

        var command = new Command("demo", "Start the bundled ResNet-18 demo API and load-test it with the 70/30 small/high-resolution image mix.")
        {
            runTime, users, workers, reportDir, seed, onlySummary,
        };
        command.SetAction((result, token) => RunAsync(
            new DemoSettings(
                result.GetValue(runTime),
                result.GetValue(users),
                result.GetValue(workers),
                result.GetValue(reportDir) ?? Path.Combine("out", "demo-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)),
                result.GetValue(seed),
                result.GetValue(onlySummary)),
            token));
        return command;
    }

    public static async Task<int> RunAsync(DemoSettings settings, CancellationToken cancellationToken)
    {
        IAnsiConsole console = AnsiConsole.Console;
        console.MarkupLine("[bold]Stampede demo[/]: starting the demo ML API (ResNet-18 on ONNX Runtime) on 127.0.0.1…");
        await using DemoServer server = await DemoServer.StartAsync(
            new DemoServerOptions { Host = "127.0.0.1", Port = 0, Workers = settings.Workers },
            cancellationToken);
        // Encode the image pools while the model loads, so no user waits for them.
        await Task.WhenAll(server.Ready, Task.Run(() => (Images.Small.Count, Images.Large.Count), cancellationToken)).WaitAsync(cancellationToken);
        console.MarkupLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Demo API ready at [link]{server.Address}[/] (model loaded and warmed in {server.ColdStart?.TotalSeconds ?? 0:0.00} s, {settings.Workers} inference workers)."));

        // Ramp over the first half of the run, then hold: the latency curve shows where capacity ends.
        double spawnRate = Math.Max(0.1, settings.Users / Math.Max(1, settings.RunTime.TotalSeconds / 2));
        string reportDir = Path.GetFullPath(settings.ReportDir);
        var args = new List<string>
        {
            "--host", server.Address,
            "--users", settings.Users.ToString(CultureInfo.InvariantCulture),
            "--spawn-rate", spawnRate.ToString("0.###", CultureInfo.InvariantCulture),
            "--run-time", settings.RunTime.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
            "--headless",

            // The demo means to overload the server: its 503s are the point, not a failed run.
            "--exit-code-on-error", "0",
            "--csv", Path.Combine(reportDir, "demo"),
            "--json", Path.Combine(reportDir, "demo.json"),
            "--html", Path.Combine(reportDir, "demo.html"),
        };
        if (settings.Seed is { } seed)
        {
            args.AddRange(["--seed", seed.ToString(CultureInfo.InvariantCulture)]);
        }

        if (settings.OnlySummary)
        {
            args.Add("--only-summary");
        }

        console.MarkupLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Load: {settings.Users} users of ImageClassifierUser (examples/image-classifier.cs), 7 small (224×224) to 3 large (1920×1080) JPEGs, 0.5–2 s think time, ramping at {spawnRate:0.##} users/s for {settings.RunTime.TotalSeconds:0} s."));
        int exitCode = await StampedeApp.RunAsync([.. args], typeof(ImageClassifierUser));

        console.MarkupLine($"Report folder: [bold]{Markup.Escape(reportDir)}[/] (demo.html, demo_stats.csv, demo_stats_history.csv, demo_failures.csv, demo_exceptions.csv, demo.json)");
        await server.StopAsync();
        return exitCode;
    }
}

/// <summary>What <c>stampede demo</c> was asked for.</summary>
internal sealed record DemoSettings(TimeSpan RunTime, int Users, int Workers, string ReportDir, int? Seed, bool OnlySummary);
