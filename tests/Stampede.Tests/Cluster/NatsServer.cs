using System.Diagnostics;
using System.Net.Sockets;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Tests.Cluster;

/// <summary>Debian's nats-server on a free loopback port, started by a test and killed with it (test.sh installs the package).</summary>
internal sealed class NatsServer : IAsyncDisposable
{
    private readonly Process _process;

    private NatsServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>Starts a server; <paramref name="arguments"/> adds its options (<c>--auth TOKEN</c>, <c>--user U --pass P</c>).</summary>
    public static async Task<NatsServer> StartAsync(params string[] arguments)
    {
        string path = new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nats-server is not installed: ./test.sh installs it (Debian package nats-server).");
        int port = LoopbackPort.Free();
        var start = new ProcessStartInfo(path) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in new[] { "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new NatsServer(process, port);
        await Eventually.TrueAsync(server.Accepts, $"nats-server listens on 127.0.0.1:{port}", timeoutMs: 15_000);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private bool Accepts()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
