using Stampede.Monitoring;
using Stampede.Monitoring.Prometheus;
using Stampede.Monitoring.Target;

namespace Stampede.Core.Tests.Monitoring.Target;

public sealed class HostSourceTests
{
    private const string MemInfo = "MemTotal:       16384000 kB\nMemFree:         1024000 kB\nMemAvailable:    6144000 kB\nBuffers:          512000 kB\n";

    [Fact]
    public async Task ReadAsync_FakeProc_NodeExporterNamedCpuSecondsAndMemoryGauges()
    {
        using var proc = new FakeProcRoot();
        proc.Write("stat", Stat(cpu0: [600, 10, 200, 2000, 50, 0, 30, 5], cpu1: [400, 10, 100, 3000, 50, 0, 20, 0]));
        proc.Write("meminfo", MemInfo);
        using var source = new HostSource(proc.Path);

        SourceReading reading = await source.ReadAsync(CancellationToken.None);

        reading.Error.ShouldBeNull();
        Exposition exposition = reading.Exposition.ShouldNotBeNull();
        MetricFamily cpu = exposition.Find("node_cpu_seconds_total").ShouldNotBeNull();
        cpu.Type.ShouldBe(MetricType.Counter);
        cpu.Samples.Count.ShouldBe(16);
        cpu.Samples.Select(s => s.Labels.Get("cpu")).Distinct().ShouldBe(["0", "1"]);
        Seconds(cpu, "0", "user").ShouldBe(6);
        Seconds(cpu, "0", "nice").ShouldBe(0.1);
        Seconds(cpu, "0", "system").ShouldBe(2);
        Seconds(cpu, "1", "idle").ShouldBe(30);
        Seconds(cpu, "0", "iowait").ShouldBe(0.5);
        Seconds(cpu, "0", "softirq").ShouldBe(0.3);
        Seconds(cpu, "0", "steal").ShouldBe(0.05);
        exposition.Find("node_memory_MemTotal_bytes").ShouldNotBeNull().Samples.ShouldHaveSingleItem().Value.ShouldBe(16_384_000d * 1024);
        exposition.Find("node_memory_MemAvailable_bytes").ShouldNotBeNull().Samples.ShouldHaveSingleItem().Value.ShouldBe(6_144_000d * 1024);
        exposition.SampleCount.ShouldBe(18);
    }

    [Fact]
    public async Task ReadAsync_ThroughTheRecognizer_BusyCoresOfTheMachinesCpus()
    {
        // Arrange: in one second cpu0 is busy 50 + 20 ticks, cpu1 30 + 10 (idle, iowait and steal are not busy).
        using var proc = new FakeProcRoot();
        proc.Write("meminfo", MemInfo);
        using var source = new HostSource(proc.Path);
        var hosts = new HostFacts(localCores: 64, localMemoryBytes: 1e12);
        var recognizer = new SeriesRecognizer(source, [], hosts, _ => { });

        // Act
        proc.Write("stat", Stat(cpu0: [600, 10, 200, 2000, 50, 0, 30, 5], cpu1: [400, 10, 100, 3000, 50, 0, 20, 0]));
        recognizer.Recognize((await source.ReadAsync(CancellationToken.None)).Exposition!, 4);
        proc.Write("stat", Stat(cpu0: [650, 10, 220, 2025, 55, 0, 30, 10], cpu1: [430, 10, 100, 3060, 50, 0, 30, 0]));
        IReadOnlyList<Observation> observed = recognizer.Recognize((await source.ReadAsync(CancellationToken.None)).Exposition!, 5);

        // Assert: this machine's CPU count and memory now come from /proc, not the defaults given.
        Observation busy = observed.Single(o => o.Name == "node_cpu_busy_cores");
        busy.Value.ShouldBe(1.1, 1e-9);
        busy.Capacity.ShouldBe(2);
        Observation memory = observed.Single(o => o.Name == "node_memory_used_bytes");
        memory.Value.ShouldBe((16_384_000d - 6_144_000d) * 1024);
        memory.Capacity.ShouldBe(16_384_000d * 1024);
        memory.Resource.ShouldBe(TargetResource.Memory);
        hosts.Cores("localhost").ShouldNotBeNull().Cores.ShouldBe(2);
        hosts.Memory("localhost").ShouldNotBeNull().Bytes.ShouldBe(16_384_000d * 1024);
    }

    [Fact]
    public async Task ReadAsync_NoStatFile_FailsNamingIt()
    {
        using var proc = new FakeProcRoot();
        using var source = new HostSource(proc.Path);

        SourceReading reading = await source.ReadAsync(CancellationToken.None);

        reading.Exposition.ShouldBeNull();
        reading.Error.ShouldNotBeNull().ShouldStartWith($"cannot read {proc.Path}/stat");
    }

    [Fact]
    public async Task ReadAsync_RealProc_OneCpuLabelPerProcessorLine()
    {
        int cpus = File.ReadLines("/proc/stat").Count(l => l.StartsWith("cpu", StringComparison.Ordinal) && l.Length > 3 && char.IsAsciiDigit(l[3]));
        using var source = new HostSource();

        SourceReading reading = await source.ReadAsync(CancellationToken.None);

        reading.Error.ShouldBeNull();
        reading.Exposition!.Find("node_cpu_seconds_total")!.Samples.Select(s => s.Labels.Get("cpu")).Distinct().Count().ShouldBe(cpus);
        reading.Exposition.Find("node_memory_MemTotal_bytes")!.Samples.ShouldHaveSingleItem().Value.ShouldBeGreaterThan(0);
    }

    /// <summary>/proc/stat with the aggregate line, two CPUs (user nice system idle iowait irq softirq steal, ticks) and the lines that follow.</summary>
    private static string Stat(long[] cpu0, long[] cpu1)
    {
        long[] all = [.. cpu0.Zip(cpu1, (a, b) => a + b)];
        return $"cpu  {string.Join(' ', all)} 0 0\ncpu0 {string.Join(' ', cpu0)} 0 0\ncpu1 {string.Join(' ', cpu1)} 0 0\nintr 123456 0 0\nctxt 987654\nbtime 1733000000\nprocesses 4242\n";
    }

    private static double Seconds(MetricFamily cpu, string id, string mode) =>
        cpu.Samples.Single(s => s.Labels.Get("cpu") == id && s.Labels.Get("mode") == mode).Value;
}
