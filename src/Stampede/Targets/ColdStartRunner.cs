using System.Globalization;
using Stampede.Analysis;
using Stampede.Cli;
using Stampede.Http;
using Stampede.Load;
using Stampede.Metrics;

namespace Stampede.Targets;

/// <summary>
/// Measures the target's cold starts (<c>--target-command</c>, <c>--cold-starts N</c>): N times it spawns the server,
/// times spawn → ready, and sends the first requests (<see cref="LoadTest.RunFirstRequestsAsync"/>: one user per class,
/// each task once); every start but the last is then stopped, and the last one stays up for the main run.
/// </summary>
internal static class ColdStartRunner
{
    /// <summary>The log file of a started server: <c>target.log</c> beside the first of <c>--json</c>, <c>--csv</c> and <c>--html</c>, else in the current directory.</summary>
    public static string LogPath(CliSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string? beside = settings.JsonPath ?? settings.CsvPrefix ?? settings.HtmlPath;
        string? directory = beside is null ? null : Path.GetDirectoryName(Path.GetFullPath(beside));
        return Path.Combine(directory ?? Directory.GetCurrentDirectory(), "target.log");
    }

    /// <summary>How <paramref name="settings"/> start the server; <paramref name="start"/> is 1-based, of <see cref="CliSettings.ColdStarts"/>.</summary>
    public static TargetProcessOptions ProcessOptions(CliSettings settings, int start) => new()
    {
        Command = settings.TargetCommand ?? throw new ArgumentException("No --target-command was given.", nameof(settings)),
        ReadyUrl = settings.TargetReady ?? throw new ArgumentException("No --target-ready was given.", nameof(settings)),
        ReadyTimeout = settings.TargetReadyTimeout,
        LogPath = LogPath(settings),
        AppendLog = start > 1,
        LogHeader = string.Create(CultureInfo.InvariantCulture, $"[stampede] start {start} of {settings.ColdStarts}: {settings.TargetCommand} (ready once {settings.TargetReady} answers 2xx), {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss.fff zzz}"),
    };

    /// <summary>
    /// Runs every start. On any failure, cancellation included, no server is left running; on success the caller owns
    /// the returned (last) server and must stop it.
    /// </summary>
    /// <param name="test">The run whose user classes send the first requests.</param>
    /// <param name="settings">The command, its ready URL, its timeout and the number of starts.</param>
    /// <param name="progress">Told one line per start.</param>
    /// <param name="cancellationToken">Stops the starts (Ctrl-C).</param>
    /// <returns>One trial per start, and the last start's server, still running.</returns>
    /// <exception cref="TargetProcessException">A start failed; the message says why, with the server's last lines.</exception>
    public static async Task<(IReadOnlyList<ColdStartTrial> Trials, TargetProcess Target)> RunAsync(
        LoadTest test, CliSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);

        // Before the first spawn: the first request of a .NET process compiles the HTTP stack (hundreds of ms), which
        // would otherwise land in the readiness poll that sees the server's first 2xx, and so in its ready time.
        await HttpWarmup.RunOnceAsync(new RunSettings(null, System.Net.HttpVersion.Version11, TimeSpan.FromSeconds(5), null), cancellationToken).ConfigureAwait(false);
        var trials = new List<ColdStartTrial>(settings.ColdStarts);
        for (int start = 1; start <= settings.ColdStarts; start++)
        {
            TargetProcess target = await TargetProcess.StartAsync(ProcessOptions(settings, start), cancellationToken).ConfigureAwait(false);
            bool keep = false;
            try
            {
                IReadOnlyList<FirstRequestSample> first = await test.RunFirstRequestsAsync(cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                var trial = new ColdStartTrial
                {
                    ReadySeconds = target.ReadyTime.TotalSeconds,
                    FirstRequests = first,
                    ProcessId = target.ProcessId,
                    Command = target.Command,
                    ReadyUrl = Security.Secrets.Redact(settings.TargetReady!.ToString()),
                };
                trials.Add(trial);
                progress(Describe(trial, start, settings.ColdStarts, target));
                keep = start == settings.ColdStarts;
                if (keep)
                {
                    return (trials, target);
                }
            }
            finally
            {
                if (!keep)
                {
                    await target.StopAsync().ConfigureAwait(false);
                }
            }
        }

        throw new InvalidOperationException("--cold-starts is at least 1.");
    }

    private static string Describe(ColdStartTrial trial, int start, int of, TargetProcess target)
    {
        string which = of == 1 ? "Started" : string.Create(CultureInfo.InvariantCulture, $"Start {start} of {of}:");
        string first = trial.FirstRequests.Count == 0
            ? "no first request sent"
            : string.Create(CultureInfo.InvariantCulture, $"first request {trial.FirstRequests[0].LatencyMs:0.0} ms ({trial.FirstRequests[0].Row.Method} {trial.FirstRequests[0].Row.Name}{(trial.FirstRequests[0].Failed ? ", FAILED" : string.Empty)})");
        string group = target.ProcessGroupId is { } g ? string.Create(CultureInfo.InvariantCulture, $", process group {g}") : string.Empty;
        string then = start == of ? "; it serves the main run" : "; stopping it";
        return string.Create(CultureInfo.InvariantCulture,
            $"{which} the target `{target.Command}` (pid {target.ProcessId}{group}, log {target.LogPath}): ready in {trial.ReadySeconds:0.000} s, {first}{then}.");
    }
}
