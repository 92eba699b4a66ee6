using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Stampede.Http;

/// <summary>
/// Sends two requests through the HTTP client stack to a throwaway listener on loopback, once per process,
/// before a run's clock starts: the first request of a .NET process spends hundreds of milliseconds
/// compiling the HTTP stack, which would otherwise be charged to the target's first responses (and, in the
/// open model, hold users so that arrivals are dropped). Nothing is sent to the target.
/// </summary>
internal static class HttpWarmup
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);
    private static int s_done;

    public static async Task RunOnceAsync(CancellationToken cancellationToken)
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
            using var handler = new SocketsHttpHandler { UseProxy = false, ActivityHeadersPropagator = null };
            using var client = new HttpClient(handler) { Timeout = Limit };
            var uri = new Uri($"http://127.0.0.1:{port}/warmup");
            using (HttpResponseMessage get = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, limit.Token).ConfigureAwait(false))
            {
                await get.Content.ReadAsByteArrayAsync(limit.Token).ConfigureAwait(false);
            }

            using (var content = new ByteArrayContent(new byte[16]))
            using (HttpResponseMessage post = await client.PostAsync(uri, content, limit.Token).ConfigureAwait(false))
            {
                await post.Content.ReadAsByteArrayAsync(limit.Token).ConfigureAwait(false);
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

    private static async Task ServeAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        using Socket socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
        using var stream = new NetworkStream(socket);
        byte[] buffer = new byte[4096];
        var pending = new StringBuilder();
        byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray();
        for (int answered = 0; answered < 2;)
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
                answered++;
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
