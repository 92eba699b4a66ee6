using Stampede.Core.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Stampede.Monitoring;
using Stampede.Monitoring.Target;

namespace Stampede.Core.Tests.Monitoring.Target;

/// <summary>
/// What a scrape does with each way an endpoint can be wrong, read through a <see cref="TargetMonitor"/>: the failure is
/// counted and named, warned about once per streak, and the monitor keeps reading.
/// </summary>
public sealed class PrometheusSourceTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _time = new();
    private MetricsTestServer _server = null!;

    private static string Healthy => Expositions.Demo(queue: 5, capacity: 64, busy: 2, ready: 4, current: 4, [1, 1, 1, 1, 1]);

    public async Task InitializeAsync() => _server = await MetricsTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ReadAsync_NothingListens_ConnectionRefusedCountedAndWarnedOnce()
    {
        // Arrange
        int port = LoopbackPort.Free();
        var endpoint = new MetricsEndpoint("app", new Uri($"http://127.0.0.1:{port}/metrics"));
        await using var monitor = Monitor(new PrometheusSource(endpoint, Generous));

        // Act
        await ReadAsync(monitor, 3);

        // Assert
        TargetSourceStats stats = monitor.Current.Sources.ShouldHaveSingleItem();
        (stats.Scrapes, stats.Failures, stats.Timeouts, stats.Up).ShouldBe((3L, 3L, 0L, false));
        stats.LastError.ShouldBe($"connection refused by 127.0.0.1:{port}: is the exporter running?");
        TargetWarning warning = monitor.Current.Warnings.ShouldHaveSingleItem();
        warning.Source.ShouldBe("app");
        warning.Message.ShouldBe($"app (http://127.0.0.1:{port}/metrics): scrape failed: connection refused by 127.0.0.1:{port}: is the exporter running?; the run goes on without it (failures are counted)");
    }

    [Fact]
    public async Task ReadAsync_NotFoundThenHealthy_FailuresCountedThenRecovers()
    {
        // Arrange
        _server.Respond = MetricsTestServer.Metrics("404 page not found\n", status: 404);
        await using var monitor = Monitor(new PrometheusSource(_server.Endpoint(), Generous));

        // Act
        await ReadAsync(monitor, 3);
        _server.Respond = MetricsTestServer.Metrics(Healthy);
        await ReadAsync(monitor, 2, from: 4);

        // Assert
        TargetSourceStats stats = monitor.Current.Sources.ShouldHaveSingleItem();
        (stats.Scrapes, stats.Failures, stats.Timeouts, stats.Up).ShouldBe((5L, 3L, 0L, true));
        stats.LastError.ShouldBe($"HTTP 404 Not Found from {_server.Address}/metrics: check the metrics path");
        stats.SamplesSeen.ShouldBeGreaterThan(0);
        string[] warnings = [.. monitor.Current.Warnings.Select(w => w.Message)];
        warnings.Length.ShouldBe(2);
        warnings[0].ShouldContain("scrape failed: HTTP 404 Not Found");
        warnings[1].ShouldEndWith("answers again after 3 failed scrapes");
        TargetSeries queue = monitor.Current.Series.Single(s => s.Name == "stampede_demo_queue_length");
        queue.Values.ShouldBe([null, null, null, 5d, 5d]);
        _server.LastAccept.ShouldStartWith("application/openmetrics-text;version=1.0.0");
    }

    [Fact]
    public async Task ReadAsync_HtmlPage_FailsAsNotMetricsThenRecovers()
    {
        _server.Respond = MetricsTestServer.Metrics("<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please sign in</body></html>\n", contentType: "text/html; charset=utf-8");
        await using var monitor = Monitor(new PrometheusSource(_server.Endpoint(), Generous));

        await ReadAsync(monitor, 3);
        _server.Respond = MetricsTestServer.Metrics(Healthy);
        await ReadAsync(monitor, 1, from: 4);

        TargetSourceStats stats = monitor.Current.Sources.ShouldHaveSingleItem();
        (stats.Scrapes, stats.Failures, stats.Up).ShouldBe((4L, 3L, true));
        stats.LastError.ShouldBe("the response is not a metrics exposition (line 1: '<!DOCTYPE html>'): check that the URL points at the /metrics endpoint");
        monitor.Current.Warnings.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData(false, "the exposition is larger than 16 MiB: scraping it every interval")]
    [InlineData(true, "the exposition is larger than 16 MiB (50 MiB): scraping it every interval")]
    public async Task ReadAsync_FiftyMegabyteExposition_RefusedNamingTheCapThenRecovers(bool declareLength, string error)
    {
        _server.Respond = MetricsTestServer.Huge(megabytes: 50, declareLength);
        await using var monitor = Monitor(new PrometheusSource(_server.Endpoint(), Generous));

        await ReadAsync(monitor, 2);
        _server.Respond = MetricsTestServer.Metrics(Healthy);
        await ReadAsync(monitor, 1, from: 3);

        TargetSourceStats stats = monitor.Current.Sources.ShouldHaveSingleItem();
        (stats.Scrapes, stats.Failures, stats.Timeouts, stats.Up).ShouldBe((3L, 2L, 0L, true));
        stats.LastError.ShouldNotBeNull().ShouldStartWith(error);
        stats.LastError.ShouldContain("--metrics-url");
        monitor.Current.Warnings.Count(w => w.Message.Contains("larger than 16 MiB", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task ReadAsync_SlowerThanTheTimeout_TimedOutCountedThenRecovers()
    {
        // Arrange: the endpoint answers only after 10 s (or when the client gives up); the scrape waits 300 ms.
        _server.Respond = MetricsTestServer.Slow(TimeSpan.FromSeconds(10));
        await using var monitor = Monitor(new PrometheusSource(_server.Endpoint(), TimeSpan.FromMilliseconds(300)));

        // Act
        await ReadAsync(monitor, 3);
        TargetSourceStats slow = monitor.Current.Sources.ShouldHaveSingleItem();
        _server.Respond = MetricsTestServer.Metrics(Healthy);

        // A busy machine may make even a fast answer miss 300 ms once: read until one succeeds (bounded).
        for (int i = 0; i < 20 && !monitor.Current.Sources[0].Up; i++)
        {
            await monitor.ReadOnceAsync(0, 4 + i, CancellationToken.None);
        }

        // Assert
        (slow.Scrapes, slow.Failures, slow.Timeouts, slow.Up).ShouldBe((3L, 3L, 3L, false));
        slow.LastError.ShouldBe("timed out after 0.3 s (--metrics-timeout)");
        TargetSourceStats after = monitor.Current.Sources[0];
        after.Up.ShouldBeTrue();
        after.Scrapes.ShouldBe(after.Failures + 1);
        after.Timeouts.ShouldBe(after.Failures);
        string[] warnings = [.. monitor.Current.Warnings.Select(w => w.Message)];
        warnings.Length.ShouldBe(2);
        warnings[0].ShouldContain("scrape failed: timed out after 0.3 s");
        warnings[1].ShouldContain("answers again after");
    }

    [Fact]
    public async Task ReadAsync_MalformedLine_WarnsOnceNamingSourceAndLineAndKeepsTheRest()
    {
        // Arrange: line 3 has an unterminated label value.
        const string Text = "# TYPE stampede_demo_queue_length gauge\nstampede_demo_queue_length 9\nbroken{job=\"x} 1\n# TYPE stampede_demo_queue_capacity gauge\nstampede_demo_queue_capacity 32\n";
        _server.Respond = MetricsTestServer.Metrics(Text);
        await using var monitor = Monitor(new PrometheusSource(_server.Endpoint("demo"), Generous));

        // Act
        await ReadAsync(monitor, 3);

        // Assert
        TargetSourceStats stats = monitor.Current.Sources.ShouldHaveSingleItem();
        (stats.Scrapes, stats.Failures, stats.Up, stats.SamplesSeen).ShouldBe((3L, 0L, true, 2));
        stats.LastError.ShouldBeNull();
        TargetWarning warning = monitor.Current.Warnings.ShouldHaveSingleItem();
        warning.Message.ShouldStartWith($"demo ({_server.Address}/metrics): malformed exposition at line 3: unterminated label value");
        warning.Message.ShouldContain("broken{job=\"x} 1");
        TargetSeries queue = monitor.Current.Series.ShouldHaveSingleItem();
        queue.Values.ShouldBe([9d, 9d, 9d]);
        queue.Capacity.ShouldBe(32);
    }

    [Fact]
    public async Task ReadAsync_CorruptGzipBody_FailsInsteadOfThrowing()
    {
        _server.Respond = async context =>
        {
            context.Response.ContentType = MetricsTestServer.TextContentType;
            context.Response.Headers.ContentEncoding = "gzip";
            await context.Response.Body.WriteAsync("this is not gzip at all, just text"u8.ToArray());
        };
        using var source = new PrometheusSource(_server.Endpoint(), Generous);

        SourceReading reading = await source.ReadAsync(CancellationToken.None);

        reading.Exposition.ShouldBeNull();
        reading.Error.ShouldNotBeNull().ShouldContain("could not be decompressed");
    }

    [Fact]
    public async Task ReadAsync_OpenMetricsContentType_ReadAsOpenMetrics()
    {
        _server.Respond = MetricsTestServer.Metrics("# TYPE jobs counter\njobs_total 3\njobs_created 1733000000\n# EOF\n", contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8");
        using var source = new PrometheusSource(_server.Endpoint(), Generous);

        SourceReading reading = await source.ReadAsync(CancellationToken.None);

        reading.Error.ShouldBeNull();
        reading.Exposition.ShouldNotBeNull().IsOpenMetrics.ShouldBeTrue();
        reading.Exposition.Find("jobs").ShouldNotBeNull().Samples.Count.ShouldBe(2);
    }

    [Fact]
    public async Task ReadAsync_CancelledByTheRun_ThrowsRatherThanCountingATimeout()
    {
        _server.Respond = MetricsTestServer.Slow(TimeSpan.FromSeconds(10));
        using var source = new PrometheusSource(_server.Endpoint(), Generous);
        using var run = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Should.ThrowAsync<OperationCanceledException>(() => source.ReadAsync(run.Token));
    }

    private TargetMonitor Monitor(PrometheusSource source) => new([source], [], TimeSpan.FromSeconds(1), _time, new HostFacts(localCores: 2, localMemoryBytes: 4e9));

    private static async Task ReadAsync(TargetMonitor monitor, int count, int from = 1)
    {
        for (int i = 0; i < count; i++)
        {
            await monitor.ReadOnceAsync(0, from + i, CancellationToken.None);
        }
    }

}
