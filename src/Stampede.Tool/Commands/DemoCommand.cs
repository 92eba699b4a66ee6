using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Spectre.Console;
using Stampede.Demo;
using Stampede.Terminal;

namespace Stampede.Tool.Commands;

/// <summary>
/// <c>stampede demo</c>: starts the bundled demo ML API as a child process (<c>stampede serve-demo</c>) on a free
/// loopback port, so that its inference CPU is not counted as the generator's, waits for its model to be ready,
/// and load-tests it with examples/image-classifier.cs's user class (70% 224×224 images, 30% 1920×1080), ramping
/// up past the server's capacity, with the live console; it ends with
/// the summary and a report folder (demo.html, the CSV files, demo.json, and the server's serve-demo.log). The server
/// is stopped when the demo ends, fails or is interrupted.
/// </summary>
internal static class DemoCommand
{
    /// <summary>
    /// Users the demo ramps to by default. With 0.5–2 s of think time 100 users offer about 75 requests/s,
    /// well past the ~58 requests/s two workers serve on a 2-core machine with the server in its own process
    /// (measured: at 60 users throughput still followed the load), so the run shows its knee, latency climbing
    /// as the queue fills, and 503s once it is full.
    /// </summary>
    public const int DefaultUsers = 100;

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

    /// <summary>The readiness route of the demo server (KServe v2): 503 until the model is loaded and warmed up, then 200.</summary>
    internal const string ReadyPath = "/v2/health/ready";

    /// <summary>The file in the report folder that receives everything the demo server prints.</summary>
    internal const string ServerLogFile = "serve-demo.log";

    /// <summary>Exit code when the demo server could not be started.</summary>
    internal const int ServerFailedExitCode = 1;

    /// <summary>Exit code when the demo was interrupted before the load test began (128 + SIGINT, as a shell reports it).</summary>
    internal const int InterruptedExitCode = 130;

    public static Task<int> RunAsync(DemoSettings settings, CancellationToken cancellationToken) =>
        RunAsync(settings, AnsiConsole.Console, Console.Error, cancellationToken);

    internal static async Task<int> RunAsync(DemoSettings settings, IAnsiConsole console, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string reportDir = Path.GetFullPath(settings.ReportDir);
        PlainConsole.Adapt(console);
        console.MarkupLine("[bold]Stampede demo[/]: starting the demo ML API (ResNet-18 on ONNX Runtime) as a child process on 127.0.0.1…");

        // Encode the image pools while the model loads, so no user waits for them.
        Task images = Task.Run(() => (Images.Small.Count, Images.Large.Count), CancellationToken.None);
        ChildServerOptions serverOptions = ServerOptions(settings, reportDir);
        ChildServer server;
        try
        {
            server = await ChildServer.StartAsync(serverOptions, cancellationToken);
        }
        catch (ChildServerException ex)
        {
            await errors.WriteLineAsync($"error: the demo ML API did not start. {ex.Message}");
            return ServerFailedExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await errors.WriteLineAsync("Interrupted while the demo ML API was starting; it was stopped.");
            return InterruptedExitCode;
        }

        await using (server)
        {
            // Ctrl-C or SIGTERM: the load test stops itself (and writes its outputs); the server is stopped at once,
            // since the tool's command line ends the process soon after the signal.
            using CancellationTokenRegistration stopOnCancel = cancellationToken.Register(() => _ = server.StopAsync());
            await images;
            console.MarkupLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Demo API ready at [link]{server.Address}[/] (serve-demo pid {server.ProcessId}, ready with its model loaded and warmed {server.StartupTime.TotalSeconds:0.00} s after its start, {settings.Workers} inference workers; its output goes to {ServerLogFile})."));

            // Ramp over the first half of the run, then hold: the latency curve shows where capacity ends.
            double spawnRate = Math.Max(0.1, settings.Users / Math.Max(1, settings.RunTime.TotalSeconds / 2));
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
            args.AddRange(TargetArguments(server.Address, server.ProcessId));
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
            if (!cancellationToken.IsCancellationRequested && server.HasExited)
            {
                await errors.WriteLineAsync($"warning: the demo ML API (pid {server.ProcessId}) exited during the run; its output is in {Path.Combine(reportDir, ServerLogFile)}.");
            }

            console.MarkupLine($"Report folder: [bold]{Markup.Escape(reportDir)}[/] (demo.html, demo_stats.csv, demo_stats_history.csv, demo_failures.csv, demo_exceptions.csv, demo.json, {ServerLogFile})");
            return exitCode;
        }
    }

    /// <summary>
    /// The flags that tell the load test about the demo server: its Prometheus endpoint, scraped beside the run, and
    /// its process, whose CPU and memory are read from /proc, so the report shows the server's side beside the generator's.
    /// </summary>
    /// <param name="address">The server's base URL, e.g. <c>http://127.0.0.1:43123</c>.</param>
    /// <param name="processId">The server process's id.</param>
    /// <returns>Arguments to append to the scenario's command line.</returns>
    internal static IReadOnlyList<string> TargetArguments(string address, int processId) =>
        ["--metrics-url", $"demo={address}/metrics", "--watch-pid", processId.ToString(CultureInfo.InvariantCulture)];

    /// <summary>
    /// How the tool starts <c>serve-demo</c> as its child: the same build that is running. Under the <c>dotnet</c> host
    /// (<c>dotnet run</c>, <c>dotnet Stampede.Tool.dll</c>, a test runner) that is <c>dotnet Stampede.Tool.dll</c>;
    /// as an app host (the installed <c>stampede</c> tool, a published executable), the executable itself.
    /// </summary>
    /// <returns>The executable and the arguments that come before <c>serve-demo</c>.</returns>
    internal static (string FileName, IReadOnlyList<string> Arguments) ToolCommand()
    {
        string? processPath = Environment.ProcessPath;
        string toolAssembly = typeof(DemoCommand).Assembly.Location;
        if (processPath is not null && string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return (processPath, [toolAssembly]);
        }

        if (processPath is not null && Assembly.GetEntryAssembly() == typeof(DemoCommand).Assembly)
        {
            return (processPath, []);
        }

        // Another app host (a test runner's) runs this assembly as a library: start the assembly with the dotnet host.
        return (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [toolAssembly]);
    }

    private static ChildServerOptions ServerOptions(DemoSettings settings, string reportDir)
    {
        string fileName;
        var arguments = new List<string>();
        if (settings.ServerCommand is { Count: > 0 } command)
        {
            fileName = command[0];
            arguments.AddRange(command.Skip(1));
        }
        else
        {
            (fileName, IReadOnlyList<string> prefix) = ToolCommand();
            arguments.AddRange(prefix);
            arguments.AddRange(
            [
                "serve-demo",
                "--bind", "127.0.0.1",
                "--port", "0",
                "--workers", settings.Workers.ToString(CultureInfo.InvariantCulture),
                ServeDemoCommand.StopWhenStdinClosesFlag,
            ]);
        }

        return new ChildServerOptions
        {
            FileName = fileName,
            Arguments = arguments,
            LogPath = Path.Combine(reportDir, ServerLogFile),
            ReadyPath = ReadyPath,
            StartupTimeout = settings.ServerStartupTimeout,
        };
    }
}

/// <summary>What <c>stampede demo</c> was asked for.</summary>
internal sealed record DemoSettings(TimeSpan RunTime, int Users, int Workers, string ReportDir, int? Seed, bool OnlySummary)
{
    /// <summary>How long the demo server may take to listen and load its model.</summary>
    /// <value>120 s.</value>
    public TimeSpan ServerStartupTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The executable and arguments that start the demo server instead of this tool's <c>serve-demo</c> (tests start a
    /// missing or misbehaving one); null = <c>serve-demo</c> of the running build.
    /// </summary>
    public IReadOnlyList<string>? ServerCommand { get; init; }
}
