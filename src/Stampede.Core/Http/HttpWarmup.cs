using System.Net;
using System.Runtime.CompilerServices;
using System.Net.Sockets;
using System.Text;
using Stampede.Load;
using Stampede.Metrics;

namespace Stampede.Http;

/// <summary>
/// Sends a few requests through the HTTP client stack, and then through a user's <see cref="HttpSession"/>
/// (timing, recording, intended starts), to a throwaway listener on loopback, once per process, before a
/// run's clock starts: the first request of a .NET process spends hundreds of milliseconds compiling the
/// HTTP stack and the session's own path a few more, which would otherwise be charged to the target's first
/// responses (and, in the open model, to the first arrivals' scheduling lag). Nothing is sent to the target.
/// </summary>
internal static class HttpWarmup
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);
    private static int s_done;

    /// <summary>Requests the listener answers: a GET and a POST from a bare client, two GETs and a POST from a session.</summary>
    private const int Requests = 5;

    /// <summary>Connections the listener accepts: the bare client's and the session's.</summary>
    private const int Connections = 2;

    /// <param name="settings">The run's HTTP settings (the timeout); the listener speaks HTTP/1.1 and a shared handler is not used.</param>
    /// <param name="cancellationToken">Stops the warm-up.</param>
    public static async Task RunOnceAsync(RunSettings settings, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref s_done, 1) == 1)
        {
            return;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        try
        {
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Task server = ServeAsync(listener, limit.Token);
            using (var handler = new SocketsHttpHandler { UseProxy = false, ActivityHeadersPropagator = null })
            using (var client = new HttpClient(handler) { Timeout = Limit })
            {
                var uri = new Uri($"http://127.0.0.1:{port}/warmup");
                using (HttpResponseMessage get = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, limit.Token).ConfigureAwait(false))
                {
                    await get.Content.ReadAsByteArrayAsync(limit.Token).ConfigureAwait(false);
                }

                using var content = new ByteArrayContent(new byte[16]);
                using HttpResponseMessage post = await client.PostAsync(uri, content, limit.Token).ConfigureAwait(false);
                await post.Content.ReadAsByteArrayAsync(limit.Token).ConfigureAwait(false);
            }

            // The same path a user's requests take, recorded into a recorder nobody reads.
            var context = new UserContext(0, new Random(0), limit.Token, new MetricsRecorder(), TimeProvider.System, settings with { SharedHandler = null, HttpVersion = HttpVersion.Version11 });
            using (var session = new HttpSession(new Uri($"http://127.0.0.1:{port}"), context, HttpVersion.Version11))
            {
                context.SetIntendedStart(TimeProvider.System.GetTimestamp(), scheduled: true);
                await session.GetAsync("/warmup").ConfigureAwait(false);
                await session.GetAsync("/warmup", "warm-up").ConfigureAwait(false);
                using var body = new ByteArrayContent(new byte[16]);
                await session.PostAsync("/warmup", body).ConfigureAwait(false);
            }

            await server.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort: a warm-up that fails (no loopback, a sandbox) only leaves the stack cold.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            listener.Stop();
            listener.Dispose();
        }
    }

    /// <summary>Answers both clients' connections until <see cref="Requests"/> requests were answered.</summary>
    private static async Task ServeAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        var connections = new List<Task>();
        var answered = new StrongBox<int>();
        while (connections.Count < Connections)
        {
            Socket socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            connections.Add(ServeConnectionAsync(socket, answered, cancellationToken));
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private static async Task ServeConnectionAsync(Socket socket, StrongBox<int> answered, CancellationToken cancellationToken)
    {
        using Socket owned = socket;
        using var stream = new NetworkStream(owned);
        byte[] buffer = new byte[4096];
        var pending = new StringBuilder();
        byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray();
        while (Volatile.Read(ref answered.Value) < Requests)
        {
            int read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            pending.Append(Encoding.ASCII.GetString(buffer, 0, read));
            while (TryTakeRequest(pending))
            {
                await stream.WriteAsync(response, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref answered.Value);
            }
        }
    }

    /// <summary>Removes one complete request (headers and a Content-Length body) from the front of <paramref name="pending"/>.</summary>
    private static bool TryTakeRequest(StringBuilder pending)
    {
        string text = pending.ToString();
        int headersEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headersEnd < 0)
        {
            return false;
        }

        int bodyLength = 0;
        foreach (string line in text[..headersEnd].Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                bodyLength = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        int total = headersEnd + 4 + bodyLength;
        if (text.Length < total)
        {
            return false;
        }

        pending.Remove(0, total);
        return true;
    }
}
