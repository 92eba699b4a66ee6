using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Stampede.Tests.Reliability;

/// <summary>What <see cref="FaultServer"/> does wrong.</summary>
public enum Fault
{
    /// <summary>Nothing listens: the port is closed.</summary>
    Refuse,

    /// <summary>Reads the request, then resets the connection before answering.</summary>
    ResetBeforeResponse,

    /// <summary>Sends half a status line and headers, then resets.</summary>
    ResetMidHeaders,

    /// <summary>Announces 100,000 bytes, sends 1,000, then resets.</summary>
    ResetMidBody,

    /// <summary>Answers a line that is not HTTP.</summary>
    GarbageStatusLine,

    /// <summary>A chunked body whose chunk size is not hexadecimal.</summary>
    InvalidChunking,

    /// <summary>Sends the headers one byte every 300 ms (slowloris, in reverse).</summary>
    TrickleHeaders,

    /// <summary>Reads the request and never answers.</summary>
    NeverAnswer,

    /// <summary>A 100 MB body.</summary>
    HugeBody,

    /// <summary>Sends the headers of a 100-byte body, then closes.</summary>
    CloseAfterHeaders,

    /// <summary>Announces 100 bytes, sends 50, then closes.</summary>
    ContentLengthTooLong,

    /// <summary>Announces 10 bytes and sends 50: the next response on the connection starts with the rest.</summary>
    ContentLengthTooShort,

    /// <summary>Plain bytes where a TLS handshake should be (the user connects with https://).</summary>
    TlsHandshake,

    /// <summary>Every answer a 503.</summary>
    Status503,

    /// <summary>Every answer a 429 without Retry-After.</summary>
    Status429,

    /// <summary>Every answer a 429 with <c>Retry-After: 2</c>.</summary>
    Status429RetryAfter,
}

/// <summary>
/// A raw TCP server on 127.0.0.1 that answers every request with one <see cref="Fault"/>: the fixture of the fault
/// matrix. It speaks just enough HTTP/1.1 to read a GET request's head.
/// </summary>
public sealed class FaultServer : IAsyncDisposable
{
    public const long HugeBodyBytes = 100L * 1024 * 1024;

    private readonly TcpListener? _listener;
    private readonly Fault _fault;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting = Task.CompletedTask;
    private int _requests;

    private FaultServer(Fault fault)
    {
        _fault = fault;
        if (fault == Fault.Refuse)
        {
            // A port that was free a moment ago, closed again: connecting is refused.
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return;
        }

        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Requests read so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public string Address => $"{(_fault == Fault.TlsHandshake ? "https" : "http")}://127.0.0.1:{Port}";

    public static FaultServer Start(Fault fault) => new(fault);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket = await _listener!.AcceptSocketAsync(_stop.Token);
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(Task.Run(() => ServeAsync(socket)));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        CancellationToken stop = _stop.Token;
        try
        {
            using (socket)
            {
                var head = new byte[8192];
                if (_fault == Fault.TlsHandshake)
                {
                    // A ClientHello has no blank line to wait for: answer its first bytes in plain HTTP.
                    await socket.ReceiveAsync(head, SocketFlags.None, stop);
                    Interlocked.Increment(ref _requests);
                    await AnswerAsync(socket, stop);
                    return;
                }

                while (!stop.IsCancellationRequested)
                {
                    if (!await ReadHeadAsync(socket, head, stop))
                    {
                        return;
                    }

                    Interlocked.Increment(ref _requests);
                    if (!await AnswerAsync(socket, stop))
                    {
                        return;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client gave up (a timeout), or the test ended.
        }
    }

    /// <returns>Whether the connection stays open for another request.</returns>
    private async Task<bool> AnswerAsync(Socket socket, CancellationToken stop)
    {
        switch (_fault)
        {
            case Fault.ResetBeforeResponse:
                Reset(socket);
                return false;
            case Fault.ResetMidHeaders:
                await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Ty", stop);
                Reset(socket);
                return false;
            case Fault.ResetMidBody:
                await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + new string('x', 1000), stop);
                await Task.Delay(20, stop);
                Reset(socket);
                return false;
            case Fault.GarbageStatusLine:
                await SendAsync(socket, "HELLO THERE, THIS IS NOT HTTP\r\n\r\n", stop);
                return false;
            case Fault.InvalidChunking:
                await SendAsync(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", stop);
                return false;
            case Fault.TrickleHeaders:
                foreach (byte b in "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray())
                {
                    await socket.SendAsync(new[] { b }, SocketFlags.None, stop);
                    await Task.Delay(300, stop);
                }

                return true;
            case Fault.NeverAnswer:
                await Task.Delay(Timeout.Infinite, stop);
                return false;
            case Fault.HugeBody:
                await SendAsync(socket, $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {HugeBodyBytes}\r\n\r\n", stop);
                var chunk = new byte[256 * 1024];
                for (long sent = 0; sent < HugeBodyBytes; sent += chunk.Length)
                {
                    await socket.SendAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, HugeBodyBytes - sent)), SocketFlags.None, stop);
                }

                return true;
            case Fault.CloseAfterHeaders:
                await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", stop);
                socket.Shutdown(SocketShutdown.Both);
                return false;
            case Fault.ContentLengthTooLong:
                await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + new string('x', 50), stop);
                socket.Shutdown(SocketShutdown.Both);
                return false;
            case Fault.ContentLengthTooShort:
                await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" + new string('x', 50), stop);
                return true;
            case Fault.TlsHandshake:
                await SendAsync(socket, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", stop);
                return false;
            case Fault.Status503:
                await SendAsync(socket, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", stop);
                return true;
            case Fault.Status429:
                await SendAsync(socket, "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n", stop);
                return true;
            case Fault.Status429RetryAfter:
                await SendAsync(socket, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n", stop);
                return true;
            default:
                throw new InvalidOperationException($"No answer for {_fault}.");
        }
    }

    /// <summary>Reads up to the blank line that ends a request's head; false when the client closed first.</summary>
    private static async Task<bool> ReadHeadAsync(Socket socket, byte[] buffer, CancellationToken stop)
    {
        int length = 0;
        while (length < buffer.Length)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, stop);
            if (read == 0)
            {
                return false;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task SendAsync(Socket socket, string text, CancellationToken stop) =>
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, stop);

    private static void Reset(Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }
}
