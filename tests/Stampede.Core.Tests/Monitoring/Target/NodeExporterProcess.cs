using Stampede.Core.Tests.Infrastructure;
using System.Diagnostics;
using System.Text;

namespace Stampede.Core.Tests.Monitoring.Target;

/// <summary>
/// Debian's real node_exporter (package <c>prometheus-node-exporter</c>, installed by test.sh) on a free loopback port,
/// with only the collectors the recognizer reads. Killed on dispose, whatever the test did.
/// </summary>
internal sealed class NodeExporterProcess : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus-node-exporter";

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private NodeExporterProcess(Process process, int port)
    {
        _process = process;
        Url = new Uri($"http://127.0.0.1:{port}/metrics");
    }

    public Uri Url { get; }

    /// <summary>What it wrote to stderr (its log), for a failure message.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Flags: the listen address; <c>--collector.disable-defaults</c> then cpu, meminfo, netdev and diskstats (the series
    /// the recognizer knows); <c>--web.disable-exporter-metrics</c> drops its own Go and promhttp series. Keeps a scrape cheap.
    /// </summary>
    public static string[] Arguments(int port) =>
    [
        $"--web.listen-address=127.0.0.1:{port}",
        "--collector.disable-defaults",
        "--collector.cpu",
        "--collector.meminfo",
        "--collector.netdev",
        "--collector.diskstats",
        "--web.disable-exporter-metrics",
    ];

    /// <summary>Starts it and waits (at most <paramref name="timeout"/>) until /metrics answers 200.</summary>
    public static async Task<NodeExporterProcess> StartAsync(TimeSpan timeout)
    {
        File.Exists(Binary).ShouldBeTrue($"{Binary} is missing: run ./test.sh, which installs Debian's prometheus-node-exporter package, or apt-get install prometheus-node-exporter.");
        int port = LoopbackPort.Free();
        var info = new ProcessStartInfo(Binary, Arguments(port))
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{Binary} did not start");
        var exporter = new NodeExporterProcess(process, port);
        process.ErrorDataReceived += (_, e) => exporter.Append(e.Data);
        process.OutputDataReceived += (_, e) => exporter.Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await exporter.WaitUntilAnsweringAsync(timeout);
            return exporter;
        }
        catch
        {
            await exporter.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or not reaped in time: nothing more a test can do.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Binary} exited with {_process.ExitCode} before answering on {Url}:\n{Log}");
            }

            try
            {
                using HttpResponseMessage response = await client.GetAsync(Url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{Binary} did not answer on {Url} within {timeout.TotalSeconds} s:\n{Log}");
            }

            await Task.Delay(50);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

}
