using System.Net;
using System.Net.Sockets;
using Stampede.Http;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Http;

public sealed class HttpSessionTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetAsync_Success_RecordsRowWithTimingsAndBytes()
    {
        RunResult result = await RunAsync(_server.Address, "/bytes?n=5000", requests: 20);

        RowStats row = result.Stats.Rows.Single();
        row.Key.ShouldBe(new RowKey("GET", "/bytes?n=5000"));
        row.Requests.ShouldBe(20);
        row.Failures.ShouldBe(0);
        row.BytesReceived.ShouldBe(20 * 5000);
        row.AverageContentSize.ShouldBe(5000);
        row.MinMs.ShouldBeGreaterThan(0);
        row.AverageTimeToFirstByteMs.ShouldBeLessThanOrEqualTo(row.AverageMs);
    }

    [Fact]
    public async Task GetAsync_BodyArrivesLater_TimeToFirstByteExcludesTheBody()
    {
        RunResult result = await RunAsync(_server.Address, "/slowbody?ms=300", requests: 3);

        RowStats row = result.Stats.Rows.Single();
        row.MinMs.ShouldBeGreaterThanOrEqualTo(295, $"min {row.MinMs} ttfb {string.Join(' ', row.TimeToFirstBytePercentiles)}");
        row.TimeToFirstBytePercentiles.Single(p => p.Percentile == 100).ValueMs.ShouldBeLessThan(200);
    }

    [Theory]
    [InlineData("/status?code=503", "HTTP 503 Service Unavailable")]
    [InlineData("/status?code=404", "HTTP 404 Not Found")]
    [InlineData("/reset", "")]
    [InlineData("/truncated", "")]
    public async Task GetAsync_ServerMisbehaves_RecordsFailuresAndTheRunGoesOn(string path, string reason)
    {
        RunResult result = await RunAsync(_server.Address, path, requests: 5);

        RowStats row = result.Stats.Rows.Single();
        row.Requests.ShouldBe(5);
        row.Failures.ShouldBe(5);
        FailureStats failure = result.Stats.Failures.Single();
        failure.Occurrences.ShouldBe(5);
        if (reason.Length > 0)
        {
            failure.Error.ShouldBe(reason);
        }
        else
        {
            failure.Error.ShouldNotBeNullOrWhiteSpace();
        }

        result.Stats.Errors.ShouldBeEmpty("a failed request is a failure, not an exception");
    }

    [Fact]
    public async Task GetAsync_ConnectionRefused_RecordsTheReason()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        RunResult result = await RunAsync($"http://127.0.0.1:{port}", "/ok", requests: 3);

        result.Stats.Failures.Single().ShouldBe(new FailureStats("GET", "/ok", "ConnectionRefused: the server refused the connection", 3));
    }

    [Fact]
    public async Task GetAsync_SlowerThanTheTimeout_FailsWithTimeout()
    {
        RunResult result = await RunAsync(_server.Address, "/delay?ms=3000", requests: 2, timeout: TimeSpan.FromMilliseconds(200));

        FailureStats failure = result.Stats.Failures.Single();
        failure.Error.ShouldBe("Timeout: no complete response within 0.2 s");
        failure.Occurrences.ShouldBe(2);
        // The timeout ends the request at 0.2 s: the coarse timer may fire a few ms early, a loaded machine a little late.
        result.Stats.Rows.Single().MinMs.ShouldBeGreaterThanOrEqualTo(190);
        result.Stats.Rows.Single().MaxMs.ShouldBeLessThan(600);
    }

    [Fact]
    public async Task Check_CanFailASuccessAndPassAnExpectedError()
    {
        Probe probe = Probe.Start();
        using var test = new LoadTest(new LoadTestOptions { Host = _server.Address, Users = 1, SpawnRate = 10 }, [typeof(CheckingUser)]);

        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        result.Stats.Rows.Single(r => r.Key.Name == "wrong body").Failures.ShouldBe(1);
        result.Stats.Failures.Single(f => f.Name == "wrong body").Error.ShouldBe("expected 'ready'");
        result.Stats.Failures.Single(f => f.Name == "throwing check").Error.ShouldBe("CheckFailed: FormatException: bad json");
        result.Stats.Rows.Single(r => r.Key.Name == "expected 404").Failures.ShouldBe(0);
        result.Stats.Rows.Single(r => r.Key.Name == "throwing check").Failures.ShouldBe(1);
        probe["late"].ShouldBe(1, "Failure() after the check must throw");
    }

    [Fact]
    public async Task PostAsync_NamedRequests_GroupIntoOneRowAndCountBytesSent()
    {
        Probe.Start();
        using var test = new LoadTest(new LoadTestOptions { Host = _server.Address, Users = 1, SpawnRate = 10 }, [typeof(PostingUser)]);

        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        RowStats row = result.Stats.Rows.Single();
        row.Key.ShouldBe(new RowKey("POST", "echo"));
        row.Requests.ShouldBe(10);
        row.BytesSent.ShouldBe(10 * 1000);
        row.Failures.ShouldBe(0);
    }

    [Fact]
    public async Task Users_EachOwnTheirConnections()
    {
        RunResult result = await RunAsync(_server.Address, "/ok", requests: 5, users: 8);

        result.Stats.Total.Requests.ShouldBe(40);
        _server.Connections.ShouldBe(8);
    }

    [Fact]
    public async Task KeptConnection_ClosedByTheServerWhileTheUserThinks_TheNextRequestOpensAnother()
    {
        // A server that answers one request a connection and closes it 100 ms later, while the user thinks for 300 ms.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int accepted = 0;
        using var stop = new CancellationTokenSource();
        Task serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Socket socket = await listener.AcceptSocketAsync(stop.Token);
                Interlocked.Increment(ref accepted);
                _ = Task.Run(async () =>
                {
                    using (socket)
                    {
                        byte[] buffer = new byte[4096];
                        int read = 0;
                        while (!System.Text.Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                        {
                            read += await socket.ReceiveAsync(buffer.AsMemory(read));
                        }

                        await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
                        await Task.Delay(100);
                        socket.Shutdown(SocketShutdown.Both);
                    }
                });
            }
        });

        Probe probe = Probe.Start();
        probe.Settings["path"] = "/ok";
        probe.Settings["requests"] = 3;
        var options = new LoadTestOptions { Host = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", Users = 1, SpawnRate = 10 };
        using var test = new LoadTest(options, [typeof(ThinkingRequestsUser)]);
        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await serving.ContinueWith(_ => { }, TaskScheduler.Default);

        result.Stats.Total.Requests.ShouldBe(3);
        result.Stats.Failures.ShouldBeEmpty();
        Volatile.Read(ref accepted).ShouldBe(3, "each request after a think found its connection closed and opened another");
    }

    [Fact]
    public async Task HttpVersion2_UsesHttp2WithPriorKnowledge()
    {
        await using LoopbackServer http2 = await LoopbackServer.StartAsync(http2: true);

        RunResult result = await RunAsync(http2.Address, "/ok", requests: 5, version: HttpVersion.Version20);

        result.Stats.Failures.ShouldBeEmpty();
        http2.Protocols.Keys.ShouldBe(["HTTP/2"]);
    }

    [Theory]
    [InlineData(0, LoadTestOptions.DefaultMaxBodyBytes)]
    [InlineData(100, LoadTestOptions.DefaultMaxBodyBytes)]
    [InlineData(16383, LoadTestOptions.DefaultMaxBodyBytes)]
    [InlineData(16384, LoadTestOptions.DefaultMaxBodyBytes)]
    [InlineData(16385, LoadTestOptions.DefaultMaxBodyBytes)]
    [InlineData(100_000, LoadTestOptions.DefaultMaxBodyBytes)]
    [InlineData(100, 10)]
    [InlineData(100_000, 10)]
    [InlineData(100_000, 16384)]
    [InlineData(100_000, 40_000)]
    [InlineData(100_000, 0)]
    public async Task GetAsync_ChunkedBody_KeepsItsFirstBytesUpToTheCapAndCountsThemAll(int length, long cap)
    {
        Probe probe = Probe.Start();
        probe.Settings["path"] = $"/chunked?n={length}";
        var options = new LoadTestOptions { Host = _server.Address, Users = 1, SpawnRate = 10, MaxBodyBytes = cap };
        using var test = new LoadTest(options, [typeof(BodyUser)]);
        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));

        var seen = (HttpResult)probe.Settings["result"];
        seen.Error.ShouldBeNull();
        int kept = (int)Math.Min(length, cap);
        seen.Body.ShouldBe(LoopbackServer.ChunkedBody(length)[..kept]);
        seen.BodyTruncated.ShouldBe(length > cap);
        result.Stats.Rows.Single().BytesReceived.ShouldBe(length, "every byte read is counted, kept or not");
    }

    [Fact]
    public async Task DefaultRequestHeaders_SentWithEveryRequestUnlessTheRequestSetsItsOwn()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using LoopbackServer server = await LoopbackServer.StartAsync(context =>
        {
            seen.Enqueue($"{context.Request.Path}: a={context.Request.Headers["X-A"]} b={context.Request.Headers["X-B"]} c={context.Request.Headers["X-C"]}");
            return Task.FromResult(false);
        });
        var options = new LoadTestOptions { Host = server.Address, Users = 1, SpawnRate = 10 };
        using var test = new LoadTest(options, [typeof(HeadersUser)]);
        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));

        result.Stats.Failures.ShouldBeEmpty();
        seen.ShouldBe(
        [
            "/ok: a=default b=one, two c=",
            "/ok: a=default b=own c=own",
            "/bytes: a=default b=one, two c=",
        ]);
    }

    private static async Task<RunResult> RunAsync(string host, string path, int requests, int users = 1, TimeSpan? timeout = null, Version? version = null)
    {
        Probe probe = Probe.Start();
        probe.Settings["path"] = path;
        probe.Settings["requests"] = requests;
        var options = new LoadTestOptions
        {
            Host = host,
            Users = users,
            SpawnRate = 1000,
            RequestTimeout = timeout ?? TimeSpan.FromSeconds(10),
            HttpVersion = version ?? HttpVersion.Version11,
        };
        using var test = new LoadTest(options, [typeof(FixedRequestsUser)]);
        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));
        result.StopReason.ShouldBe(StopReason.AllUsersStopped);
        return result;
    }

    internal sealed class FixedRequestsUser : HttpUser
    {
        private int _done;

        [Task]
        public async Task Get()
        {
            Probe probe = Probe.Current;
            if (_done++ == (int)probe.Settings["requests"])
            {
                throw new StopUserException();
            }

            await Client.GetAsync((string)probe.Settings["path"]);
        }
    }

    internal sealed class ThinkingRequestsUser : HttpUser
    {
        private int _done;

        public override WaitTime WaitTime => WaitTime.Constant(0.3);

        [Task]
        public async Task Get()
        {
            if (_done++ == (int)Probe.Current.Settings["requests"])
            {
                throw new StopUserException();
            }

            await Client.GetAsync((string)Probe.Current.Settings["path"]);
        }
    }

    internal sealed class BodyUser : HttpUser
    {
        [Task]
        public async Task Get()
        {
            Probe probe = Probe.Current;
            probe.Settings["result"] = await Client.GetAsync((string)probe.Settings["path"]);
            throw new StopUserException();
        }
    }

    internal sealed class HeadersUser : HttpUser
    {
        [Task]
        public async Task Get()
        {
            Client.DefaultRequestHeaders.Add("X-A", "default");
            Client.DefaultRequestHeaders.Add("X-B", ["one", "two"]);
            await Client.GetAsync("/ok");
            using var own = new HttpRequestMessage(HttpMethod.Get, "/ok");
            own.Headers.Add("X-B", "own");
            own.Headers.Add("X-C", "own");
            await Client.SendAsync(own);
            await Client.GetAsync("/bytes?n=1");
            throw new StopUserException();
        }
    }

    internal sealed class CheckingUser : HttpUser
    {
        [Task]
        public async Task Run()
        {
            await Client.GetAsync("/ok", name: "wrong body", check: r =>
            {
                if (r.Text != "ready")
                {
                    r.Failure("expected 'ready'");
                }
            });
            await Client.GetAsync("/status?code=404", name: "expected 404", check: r =>
            {
                if (r.StatusCode == 404)
                {
                    r.Success();
                }
            });
            await Client.GetAsync("/ok", name: "throwing check", check: _ => throw new FormatException("bad json"));
            var result = await Client.GetAsync("/ok", name: "late");
            try
            {
                result.Failure("too late");
            }
            catch (InvalidOperationException)
            {
                Probe.Current.Hit("late");
            }

            throw new StopUserException();
        }
    }

    internal sealed class PostingUser : HttpUser
    {
        [Task]
        public async Task Post()
        {
            for (int i = 0; i < 10; i++)
            {
                await Client.PostAsync($"/echo?i={i}", new ByteArrayContent(new byte[1000]), name: "echo");
            }

            throw new StopUserException();
        }
    }
}
