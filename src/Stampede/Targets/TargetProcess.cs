using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Stampede.Security;

namespace Stampede.Targets;

/// <summary>
/// The system under test when Stampede starts it (<c>--target-command</c>, as Playwright's <c>webServer</c>): a shell
/// command in a process group of its own, its output logged to a file, ready once a URL answers 2xx, and stopped with
/// SIGTERM and then SIGKILL to the whole group, so that neither the server nor any process it started outlives the run.
/// </summary>
/// <remarks>
/// On Linux the command runs as <c>setsid --wait /bin/sh -c CMD</c> (util-linux): the shell leads a new session and
/// process group, which every worker, reloader or helper it forks joins unless it leaves on purpose, and the group is
/// signalled as one (<c>kill(-pgid, …)</c>). Where <c>setsid</c> is missing (macOS) the command runs under
/// <c>/bin/sh -c</c> and is stopped by a kill of its process tree, which misses children that were re-parented.
/// Standard input stays open for the server's life: a server that watches it sees it close when this process ends,
/// however it ends. Disposing stops the server; the owner disposes it in a <c>finally</c>.
/// </remarks>
internal sealed partial class TargetProcess : IAsyncDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan GroupSetupTimeout = TimeSpan.FromSeconds(1);

    private readonly Process _process;
    private readonly TargetProcessOptions _options;
    private readonly EventHandler _onProcessExit;

    private TargetProcess(Process process, TargetProcessOptions options, StreamWriter log)
    {
        _process = process;
        _options = options;
        _log = log;
        ProcessId = process.Id;
        _pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput),
            PumpAsync(process.StandardError));
        _onProcessExit = (_, _) => KillNow();
        WatchExits();
    }

    /// <summary>The started process's id: the shell, which leads the process group when there is one.</summary>
    public int ProcessId { get; }

    /// <summary>The id of the command's own process group; <see langword="null"/> when it has none (no <c>setsid</c>).</summary>
    public int? ProcessGroupId { get; private set; }

    /// <summary>From the spawn of the command to the first 2xx answer of the ready URL.</summary>
    public TimeSpan ReadyTime { get; private set; }

    /// <summary>The command as started, for messages: with its secrets (<c>--api-key …</c>) redacted.</summary>
    public string Command => Secrets.Redact(_options.Command);

    /// <summary>The log file.</summary>
    public string LogPath => _options.LogPath;

    /// <summary>
    /// Starts the command and returns once its ready URL answers 2xx. On any failure, cancellation included, the whole
    /// process group is stopped before this returns.
    /// </summary>
    /// <param name="options">What to start, where to log and how long to wait.</param>
    /// <param name="cancellationToken">Cancels the start (the group is then stopped and the token's exception thrown).</param>
    /// <returns>The running server; dispose it (or call <see cref="StopAsync"/>) to stop it.</returns>
    /// <exception cref="TargetProcessException">The command could not be started, exited before it was ready, or was
    /// not ready within <see cref="TargetProcessOptions.ReadyTimeout"/>; the message names the URL and carries the last
    /// lines of output.</exception>
    public static async Task<TargetProcess> StartAsync(TargetProcessOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        StreamWriter log;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.LogPath))!);
            log = new StreamWriter(options.LogPath, options.AppendLog, new UTF8Encoding(false)) { AutoFlush = true };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TargetProcessException($"The target's log {options.LogPath} cannot be written ({ex.Message}), so `{Secrets.Redact(options.Command)}` was not started; give --json, --csv or --html a writable directory, or run from one.", ex);
        }

        if (options.LogHeader is { } header)
        {
            await log.WriteLineAsync(Secrets.Redact(header)).ConfigureAwait(false);
        }

        (string fileName, string[] arguments, bool ownGroup) = Launcher(options.Command);
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        long spawned = Stopwatch.GetTimestamp();
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            await log.WriteLineAsync($"Could not start {Secrets.Redact(options.Command)}: {ex.Message}").ConfigureAwait(false);
            await log.DisposeAsync().ConfigureAwait(false);
            process.Dispose();
            throw new TargetProcessException($"Could not start the target `{Secrets.Redact(options.Command)}` ({fileName}): {ex.Message}.", ex);
        }

        var target = new TargetProcess(process, options, log);
        string? problem;
        try
        {
            if (ownGroup)
            {
                await target.ResolveGroupAsync().ConfigureAwait(false);
            }

            problem = await target.WaitUntilReadyAsync(spawned, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await target.StopAsync().ConfigureAwait(false);
            throw;
        }

        if (problem is not null)
        {
            await target.StopAsync().ConfigureAwait(false);
            throw new TargetProcessException(problem + target.DescribeTail()) { ProcessId = target.ProcessId, ExitCode = target._exitCode };
        }

        return target;
    }

    /// <summary>Stops the server, as <see cref="StopAsync"/>.</summary>
    /// <returns>A task that completes when the process group is gone.</returns>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>How the command is run here: under <c>setsid</c> where it exists (a process group of its own), else a plain shell.</summary>
    private static (string FileName, string[] Arguments, bool OwnGroup) Launcher(string command)
    {
        if (OperatingSystem.IsWindows())
        {
            return ("cmd.exe", ["/c", command], false);
        }

        // --wait: should setsid have to fork (it does when it already leads a group), it still exits with the command.
        return FindSetsid() is { } setsid
            ? (setsid, ["--wait", "/bin/sh", "-c", command], true)
            : ("/bin/sh", ["-c", command], false);
    }

    private static string? FindSetsid()
    {
        IEnumerable<string> directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/bin"]);
        foreach (string directory in directories)
        {
            string candidate = Path.Combine(directory, "setsid");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Polls the ready URL every <see cref="TargetProcessOptions.ReadyPollInterval"/>; returns why the server is not ready, or null.</summary>
    private async Task<string?> WaitUntilReadyAsync(long spawned, CancellationToken cancellationToken)
    {
        Uri url = _options.ReadyUrl;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        TimeSpan left = _options.ReadyTimeout - Stopwatch.GetElapsedTime(spawned);
        deadline.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);

        // No proxy: the server is local, and a proxy from the environment must not see (or answer) the probes.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = Timeout.InfiniteTimeSpan };
        Task exited = _process.WaitForExitAsync(CancellationToken.None);
        string last = "no probe answered yet";
        try
        {
            while (true)
            {
                using (var probe = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token))
                {
                    probe.CancelAfter(ProbeTimeout);
                    try
                    {
                        using HttpResponseMessage response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, probe.Token).ConfigureAwait(false);
                        if (response.IsSuccessStatusCode)
                        {
                            ReadyTime = Stopwatch.GetElapsedTime(spawned);
                            return null;
                        }

                        last = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                    }
                    catch (HttpRequestException ex)
                    {
                        last = Describe(ex);
                    }
                    catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                    {
                        last = string.Create(CultureInfo.InvariantCulture, $"a probe got no answer within {ProbeTimeout.TotalSeconds:0} s");
                    }
                }

                if (_process.HasExited)
                {
                    await DrainAsync().ConfigureAwait(false);
                    _exitCode = ExitCodeOrNull();
                    return $"The target `{Command}` (pid {ProcessId}) exited with code {ExitCodeText()} before {url} answered 2xx (last probe: {last}).";
                }

                await Task.WhenAny(Task.Delay(_options.ReadyPollInterval, deadline.Token), exited).ConfigureAwait(false);
                deadline.Token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"The target `{Command}` (pid {ProcessId}) was not ready within {_options.ReadyTimeout.TotalSeconds:0.###} s (--target-ready-timeout): {url} never answered 2xx (last probe: {last}).");
        }
    }

    private static string Describe(HttpRequestException ex) => ex.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException socket => $"socket error {socket.SocketErrorCode}",
        _ when ex.HttpRequestError == HttpRequestError.ResponseEnded => "the connection closed without an answer",
        _ => ex.Message,
    };

    private string ExitCodeText() => ExitCodeOrNull() is { } code ? code.ToString(CultureInfo.InvariantCulture) : "?";

    private int? ExitCodeOrNull()
    {
        try
        {
            return _process.HasExited ? _process.ExitCode : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
