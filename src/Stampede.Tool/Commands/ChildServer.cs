using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Stampede.Tool.Commands;

/// <summary>
/// A server that the tool starts as a child process for one run (the demo's <c>serve-demo</c>; later a user's
/// <c>--target-command</c>): it reads the address the server prints, waits until a readiness path answers 2xx,
/// logs everything the server writes to a file, and stops it with SIGTERM, then a kill of its whole process tree.
/// </summary>
/// <remarks>
/// Out of process so that the generator's health (its CPU, GC pauses, thread-pool lag) measures the generator
/// only, as Playwright's <c>webServer</c> does for browser tests. Disposing stops the server: the owner disposes it
/// in a <c>finally</c>, so it never outlives the run, whether the run ends, fails, throws or is cancelled.
/// </remarks>
internal sealed partial class ChildServer : IAsyncDisposable
{
    private const int SigTerm = 15;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReadyRequestTimeout = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly ChildServerOptions _options;
    private readonly StreamWriter _log;
    private readonly Lock _outputGate = new();
    private readonly Queue<string> _tail = new();
    private readonly TaskCompletionSource<string> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _pumps;
    private readonly Lock _stopGate = new();
    private bool _logClosed;
    private Task? _stopTask;

    private ChildServer(Process process, ChildServerOptions options, StreamWriter log)
    {
        _process = process;
        _options = options;
        _log = log;
        ProcessId = process.Id;
        _pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, isStandardOutput: true),
            PumpAsync(process.StandardError, isStandardOutput: false));
    }

    /// <summary>The server process's id.</summary>
    public int ProcessId { get; }

    /// <summary>The base URL the server printed, without a trailing slash, e.g. <c>http://127.0.0.1:43123</c>.</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>How long the server took from its start to being ready (its address printed and the readiness path 2xx).</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Whether the server process has ended (true, too, once it was stopped).</summary>
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                // Disposed by StopAsync: the process is gone.
                return true;
            }
        }
    }

    /// <summary>
    /// Starts the server and returns once it is ready. On any failure, cancellation included, the process is stopped
    /// before this returns.
    /// </summary>
    /// <param name="options">What to start, where to log and how long to wait.</param>
    /// <param name="cancellationToken">Cancels the start (the process is then stopped and the token's exception thrown).</param>
    /// <returns>The running server; dispose it (or call <see cref="StopAsync"/>) to stop it.</returns>
    /// <exception cref="ChildServerException">The process could not be started, exited, or was not ready within
    /// <see cref="ChildServerOptions.StartupTimeout"/>; the message carries its last lines of output.</exception>
    public static async Task<ChildServer> StartAsync(ChildServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.LogPath))!);
        var log = new StreamWriter(options.LogPath, append: false, new UTF8Encoding(false)) { AutoFlush = true };
        var startInfo = new ProcessStartInfo(options.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // Kept open for the server's life: a server that watches its standard input sees it close when this
            // process ends, however it ends, and stops too.
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in options.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            await log.WriteLineAsync($"Could not start {options.CommandLine}: {ex.Message}");
            await log.DisposeAsync();
            process.Dispose();
            throw new ChildServerException($"Could not start the server `{options.CommandLine}`: {ex.Message}.", ex);
        }

        var server = new ChildServer(process, options, log);
        string? problem;
        try
        {
            problem = await server.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await server.StopAsync();
            throw;
        }

        if (problem is not null)
        {
            await server.StopAsync();
            throw new ChildServerException(problem + server.DescribeTail()) { ProcessId = server.ProcessId };
        }

        return server;
    }

    /// <summary>
    /// Stops the server: SIGTERM (on Windows, its standard input is closed), then, if it has not exited within
    /// <see cref="ChildServerOptions.StopTimeout"/>, a kill of its whole process tree. Safe to call more than once.
    /// </summary>
    /// <returns>A task that completes when the process is gone and its log is closed.</returns>
    public Task StopAsync()
    {
        lock (_stopGate)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    /// <summary>Stops the server, as <see cref="StopAsync"/>.</summary>
    /// <returns>A task that completes when the process is gone.</returns>
    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Waits for the address line, then for the readiness path; returns why the server is not ready, or null.</summary>
    private async Task<string?> WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.StartupTimeout);
        string waitedFor = "its address line";
        try
        {
            Task exited = _process.WaitForExitAsync(deadline.Token);
            await Task.WhenAny(_address.Task, exited).WaitAsync(deadline.Token);
            if (!_address.Task.IsCompleted)
            {
                // It exited: what it printed last may still be in the pipe.
                await DrainAsync();
            }

            if (!_address.Task.IsCompleted)
            {
                return $"The server `{_options.CommandLine}` (pid {ProcessId}) exited with code {ExitCodeText()} before it printed the address it listens on.";
            }

            Address = (await _address.Task).TrimEnd('/');
            if (_options.ReadyPath is { } readyPath)
            {
                waitedFor = $"{Address}{readyPath} to answer 2xx";
                string? notReady = await PollReadyAsync(Address + readyPath, deadline.Token);
                if (notReady is not null)
                {
                    return notReady;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"The server `{_options.CommandLine}` (pid {ProcessId}) was not ready within {_options.StartupTimeout.TotalSeconds:0.#} s: it was still waiting for {waitedFor}.");
        }

        StartupTime = Stopwatch.GetElapsedTime(started);
        return null;
    }

    private async Task<string?> PollReadyAsync(string url, CancellationToken cancellationToken)
    {
        // No proxy: the server is a local child, and a proxy from the environment must not see (or answer) its probes.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = ReadyRequestTimeout };
        while (true)
        {
            try
            {
                using HttpResponseMessage response = await http.GetAsync(url, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return null;
                }
            }
            catch (HttpRequestException)
            {
                // Not answering yet; the exit check below tells a dead server from a slow one.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One probe timed out; the deadline bounds the whole wait.
            }

            if (_process.HasExited)
            {
                await DrainAsync();
                return $"The server `{_options.CommandLine}` (pid {ProcessId}) exited with code {ExitCodeText()} before {url} answered 2xx.";
            }

            await Task.Delay(_options.ReadyPollInterval, cancellationToken);
        }
    }

    private async Task StopCoreAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                if (!OperatingSystem.IsWindows())
                {
                    TrySignal(SigTerm);
                }

                CloseStandardInput();
                if (!await WaitForExitAsync(_options.StopTimeout))
                {
                    KillTree();
                    await WaitForExitAsync(_options.StopTimeout);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The process ended between the checks: nothing left to stop.
        }

        CloseStandardInput();
        await DrainAsync();
        lock (_outputGate)
        {
            _logClosed = true;
            _log.Dispose();
        }

        _process.Dispose();
    }

    private async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void TrySignal(int signal)
    {
        try
        {
            // Checked just before: a pid whose process was reaped may already belong to another process.
            if (!_process.HasExited)
            {
                _ = SysKill(ProcessId, signal);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc here: the stop timeout ends in a kill instead.
        }
    }

    private void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // Already exited, or gone while its tree was walked.
        }
    }

    private void CloseStandardInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The pipe is already closed.
        }
    }

    /// <summary>Waits for the output pumps to reach the end of both pipes, but not for a grandchild that holds them open.</summary>
    private async Task DrainAsync()
    {
        try
        {
            await _pumps.WaitAsync(DrainTimeout);
        }
        catch (TimeoutException)
        {
            // The log keeps what arrived; the rest is lost with the process tree.
        }
    }

    private async Task PumpAsync(StreamReader reader, bool isStandardOutput)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                OnLine(line, isStandardOutput);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe broke with the process.
        }
    }

    private void OnLine(string line, bool isStandardOutput)
    {
        lock (_outputGate)
        {
            if (!_logClosed)
            {
                try
                {
                    _log.WriteLine(line);
                }
                catch (IOException)
                {
                    // A full disk loses log lines, not the run.
                }
            }

            _tail.Enqueue(line);
            while (_tail.Count > _options.OutputTailLines)
            {
                _tail.Dequeue();
            }
        }

        if (isStandardOutput && !_address.Task.IsCompleted && _options.AddressPattern.Match(line) is { Success: true } match)
        {
            Group group = match.Groups["address"];
            _address.TrySetResult(group.Success ? group.Value : match.Value);
        }
    }

    private string ExitCodeText()
    {
        try
        {
            return _process.HasExited ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "?";
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    private string DescribeTail()
    {
        lock (_outputGate)
        {
            if (_tail.Count == 0)
            {
                return $" It printed nothing (log: {_options.LogPath}).";
            }

            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $" Its last lines of output (full log: {_options.LogPath}):");
            foreach (string line in _tail)
            {
                text.Append(Environment.NewLine).Append("  ").Append(line);
            }

            return text.ToString();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SysKill(int pid, int signal);
}
