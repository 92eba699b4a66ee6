using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using Stampede.Http;
using Stampede.Load;
using Stampede.Metrics;

namespace Stampede.Benchmarks;

/// <summary>
/// What one request of a virtual user allocates, end to end over a loopback keep-alive connection: Stampede's
/// <see cref="HttpSession.GetAsync"/> (timing, the sample, the result) beside a bare <see cref="HttpClient"/> on the
/// same handler settings, whose difference is Stampede's own cost. The server is a blocking socket loop on its own
/// thread that allocates nothing per request, so the bytes counted are the client's. Results in HttpRequestBenchmarks.md.
/// </summary>
[MemoryDiagnoser]
public class HttpRequestBenchmarks
{
    private static readonly byte[] Response = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18\r\n\r\n{\"delayed_ms\":50}\n");

    private Socket _listener = null!;
    private Thread _server = null!;
    private MetricsRecorder _recorder = null!;
    private HttpSession _session = null!;
    private HttpClient _bare = null!;
    private CancellationTokenSource _kill = null!;

    [GlobalSetup]
    public void Setup()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _server = new Thread(Serve) { IsBackground = true };
        _server.Start();
        string host = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";

        _kill = new CancellationTokenSource();
        _recorder = new MetricsRecorder();
        var settings = new RunSettings(host, HttpVersion.Version11, TimeSpan.FromSeconds(10), null);
        var context = new UserContext(0, new Random(1), _kill.Token, _recorder, TimeProvider.System, settings);
        _session = new HttpSession(new Uri(host), context, HttpVersion.Version11);
        _bare = new HttpClient(HttpSession.CreateHandler(settings, useCookies: true)) { BaseAddress = new Uri(host), Timeout = Timeout.InfiniteTimeSpan };

        // Connections open and everything compiled before the measured calls.
        for (int i = 0; i < 100; i++)
        {
            Stampede().GetAwaiter().GetResult();
            Bare().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _bare.Dispose();
        _listener.Dispose();
        _kill.Dispose();
    }

    /// <summary>A virtual user's request: <c>Client.GetAsync("/small")</c>, timed, recorded and its body read.</summary>
    [Benchmark]
    public async Task<int> Stampede()
    {
        HttpResult result = await _session.GetAsync("/small").ConfigureAwait(false);
        var sink = default(DiscardSink);
        _recorder.Drain(ref sink);
        return result.StatusCode;
    }

    /// <summary>The same request with HttpClient alone, the body read as bytes: what the framework itself allocates.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> Bare()
    {
        using HttpResponseMessage response = await _bare.GetAsync("/small", HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        byte[] body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return body.Length;
    }

    private void Serve()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var connection = new Thread(() => ServeConnection(client, new byte[8192])) { IsBackground = true };
            connection.Start();
        }
    }

    private static void ServeConnection(Socket client, byte[] buffer)
    {
        using (client)
        {
            int filled = 0;
            while (true)
            {
                int read;
                try
                {
                    read = client.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
                }
                catch (SocketException)
                {
                    return;
                }

                if (read == 0)
                {
                    return;
                }

                filled += read;
                // Requests without bodies: each ends with an empty line; answer every complete one.
                int end;
                while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) >= 0)
                {
                    client.Send(Response);
                    int rest = filled - (end + 4);
                    buffer.AsSpan(end + 4, rest).CopyTo(buffer);
                    filled = rest;
                }
            }
        }
    }

    private struct DiscardSink : ISampleSink
    {
        public readonly void Accept(in RequestSample sample)
        {
        }
    }
}
