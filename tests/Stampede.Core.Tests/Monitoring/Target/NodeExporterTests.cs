using System.Diagnostics;
using System.Globalization;
using Stampede.Monitoring;
using Stampede.Monitoring.Prometheus;
using Stampede.Monitoring.Target;
using Xunit.Abstractions;

namespace Stampede.Core.Tests.Monitoring.Target;

/// <summary>The recognizer against Debian's real node_exporter, started on loopback for the test.</summary>
public sealed class NodeExporterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ReadOnceAsync_RealNodeExporterOneSecondApart_BusyCoresAndMemoryOfThisMachine()
    {
        // Arrange
        await using NodeExporterProcess exporter = await NodeExporterProcess.StartAsync(StartTimeout);
        var endpoint = new MetricsEndpoint("node", exporter.Url);
        await using var monitor = new TargetMonitor([new PrometheusSource(endpoint, TimeSpan.FromSeconds(10))], [], TimeSpan.FromSeconds(1), TimeProvider.System);
        int cpus = File.ReadLines("/proc/stat").Count(l => l.StartsWith("cpu", StringComparison.Ordinal) && l.Length > 3 && char.IsAsciiDigit(l[3]));
        double memTotal = MemTotalBytes();

        // Act: real time between the reads (about 1 s, bounded), passed as the reads' times so the rates are right.
        var clock = Stopwatch.StartNew();
        await monitor.ReadOnceAsync(0, 0, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await monitor.ReadOnceAsync(0, clock.Elapsed.TotalSeconds, CancellationToken.None);

        // Assert
        TargetSnapshot snapshot = monitor.Current;
        TargetSourceStats stats = snapshot.Sources.ShouldHaveSingleItem();
        (stats.Scrapes, stats.Failures).ShouldBe((2L, 0L), stats.LastError);
        snapshot.Warnings.ShouldBeEmpty();
        TargetSeries busy = snapshot.Series.Single(s => s.Name == "node_cpu_busy_cores");
        busy.Resource.ShouldBe(TargetResource.Cpu);
        busy.Capacity.ShouldBe(cpus);
        busy.Values.Last(v => v is not null)!.Value.ShouldBeInRange(0, cpus);
        TargetSeries memory = snapshot.Series.Single(s => s.Name == "node_memory_used_bytes");
        memory.Capacity.ShouldNotBeNull().ShouldBe(memTotal, memTotal * 0.01);
        memory.Values.Last(v => v is not null)!.Value.ShouldBeInRange(1, memTotal);
        snapshot.Series.ShouldContain(s => s.Name == "node_network_receive_bytes_per_second" || s.Name == "node_network_transmit_bytes_per_second" || s.Name == "node_disk_busy_percent");
        output.WriteLine($"node_exporter at {exporter.Url}: {stats.SamplesSeen} samples, {stats.MeanScrapeMs:0.0} ms per scrape; busy {busy.Values.Last(v => v is not null):0.00} of {cpus} cores");
    }

    [Fact]
    public async Task Get_PrometheusAcceptHeader_ContentTypeIsAFormatTheParserNames()
    {
        // Arrange: the Accept header PrometheusSource sends (OpenMetrics first, as Prometheus does).
        await using NodeExporterProcess exporter = await NodeExporterProcess.StartAsync(StartTimeout);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, exporter.Url);
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");

        // Act
        using HttpResponseMessage response = await client.SendAsync(request);
        string? contentType = response.Content.Headers.ContentType?.ToString();
        string body = await response.Content.ReadAsStringAsync();

        // Assert: whichever it answers, the parser reads it in that format, cleanly.
        output.WriteLine($"Content-Type: {contentType}");
        bool? openMetrics = ExpositionParser.FormatFromContentType(contentType);
        openMetrics.ShouldNotBeNull($"node_exporter answered '{contentType}', which names neither format");
        Exposition exposition = ExpositionParser.Parse(body, openMetrics);
        exposition.Warnings.ShouldBeEmpty();
        exposition.IsOpenMetrics.ShouldBe(openMetrics.Value);
        exposition.Find(openMetrics.Value ? "node_cpu_seconds" : "node_cpu_seconds_total").ShouldNotBeNull().Type.ShouldBe(MetricType.Counter);
    }

    private static double MemTotalBytes()
    {
        string line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
