using System.Diagnostics;
using Stampede.Monitoring.Prometheus;
using Stampede.Monitoring.Target;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Monitoring.Target;

public sealed class ProcessSourceTests
{
    // USER_HZ, the unit of /proc/PID/stat's ticks: 100 on every mainstream Linux (what sysconf(_SC_CLK_TCK) answers).
    private const double TicksPerSecond = 100;

    [Fact]
    public async Task ReadAsync_CurrentProcess_CpuSecondsAndResidentMemoryAboveZero()
    {
        using var source = new ProcessSource(Environment.ProcessId);

        SourceReading reading = await source.ReadAsync(CancellationToken.None);

        reading.Error.ShouldBeNull();
        Exposition exposition = reading.Exposition.ShouldNotBeNull();
        Value(exposition, "process_cpu_seconds_total").ShouldBeGreaterThan(0);
        Value(exposition, "process_resident_memory_bytes").ShouldBeGreaterThan(0);
        Value(exposition, "stampede_watched_processes").ShouldBeGreaterThanOrEqualTo(1);
        exposition.Find("process_cpu_seconds_total")!.Type.ShouldBe(MetricType.Counter);
        source.Address.ShouldBe($"/proc/{Environment.ProcessId}");
    }

    [Fact]
    public async Task ReadAsync_ShellWithTwoChildren_SumsTheWholeTree()
    {
        // Arrange: sh forks two sleeps and waits: three processes under the watched pid.
        using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 30 & sleep 30 & wait"]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("/bin/sh did not start");
        try
        {
            using var source = new ProcessSource(shell.Id);
            SourceReading reading = SourceReading.Failed("not read");

            // Act: the forks happen after Start returns, so read until they show (bounded).
            await Eventually.TrueAsync(
                () =>
                {
                    reading = source.ReadAsync(CancellationToken.None).GetAwaiter().GetResult();
                    return reading.Exposition is { } e && Value(e, "stampede_watched_processes") >= 3;
                },
                "the shell and its two sleeps are in the tree");

            // Assert
            Exposition exposition = reading.Exposition!;
            Value(exposition, "stampede_watched_processes").ShouldBe(3);
            Value(exposition, "process_resident_memory_bytes").ShouldBeGreaterThan(3 * Environment.SystemPageSize);
            Value(exposition, "process_cpu_seconds_total").ShouldBeGreaterThanOrEqualTo(0);
        }
        finally
        {
            shell.Kill(entireProcessTree: true);
            await shell.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task ReadAsync_PidThatDoesNotExist_FailsSayingItIsNotRunning()
    {
        using var source = new ProcessSource(int.MaxValue);

        SourceReading reading = await source.ReadAsync(CancellationToken.None);

        reading.Exposition.ShouldBeNull();
        reading.TimedOut.ShouldBeFalse();
        reading.Error.ShouldBe($"process {int.MaxValue} is not running (it exited, or the id is wrong)");
    }

    [Fact]
    public async Task ReadAsync_NoProcfs_FailsNamingTheFolderAndTheAlternative()
    {
        string missing = Path.Combine(Path.GetTempPath(), "stampede-no-proc-" + Guid.NewGuid().ToString("N"));
        using var source = new ProcessSource(100, missing);

        SourceReading reading = await source.ReadAsync(CancellationToken.None);

        reading.Error.ShouldNotBeNull().ShouldContain(missing);
        reading.Error.ShouldContain("--metrics-url");
    }

    [Fact]
    public async Task ReadAsync_FakeProcTree_AddsEachProcessTicksAndChildExitDoesNotMakeTheCounterFall()
    {
        // Arrange: 100 → 101 → 102 is the watched tree; 200 is another process of the machine.
        using var proc = new FakeProcRoot();
        proc.Process(100, parent: 1, userTicks: 100, systemTicks: 50, rssPages: 1000, command: "gunicorn: master [app)]");
        proc.Process(101, parent: 100, userTicks: 30, systemTicks: 20, rssPages: 500);
        proc.Process(102, parent: 101, userTicks: 300, systemTicks: 100, rssPages: 250);
        proc.Process(200, parent: 1, userTicks: 5000, systemTicks: 5000, rssPages: 9000);
        using var source = new ProcessSource(100, proc.Path);
        var warnings = new List<string>();
        var recognizer = new SeriesRecognizer(source, [], new HostFacts(localCores: 2, localMemoryBytes: 4e9), warnings.Add);
        var cpu = new List<double>();
        var rates = new List<double>();

        // Act: read, then 102 exits and the others grow by 70 and 30 ticks, then a new worker 103 appears with 40.
        Exposition first = await ReadAsync(source, 0, recognizer, rates);
        cpu.Add(Value(first, "process_cpu_seconds_total"));
        proc.Exit(102);
        proc.Process(100, parent: 1, userTicks: 160, systemTicks: 60, rssPages: 1000);
        proc.Process(101, parent: 100, userTicks: 50, systemTicks: 30, rssPages: 500);
        Exposition second = await ReadAsync(source, 1, recognizer, rates);
        cpu.Add(Value(second, "process_cpu_seconds_total"));
        proc.Process(103, parent: 100, userTicks: 30, systemTicks: 10, rssPages: 100);
        Exposition third = await ReadAsync(source, 2, recognizer, rates);
        cpu.Add(Value(third, "process_cpu_seconds_total"));

        // Assert: a plain sum would fall from 6.0 to 3.0 s when 102 exits.
        cpu[0].ShouldBe(600 / TicksPerSecond, 1e-9);
        cpu[1].ShouldBe((600 + 70 + 30) / TicksPerSecond, 1e-9);
        cpu[2].ShouldBe((700 + 40) / TicksPerSecond, 1e-9);
        Value(first, "stampede_watched_processes").ShouldBe(3);
        Value(second, "stampede_watched_processes").ShouldBe(2);
        Value(third, "stampede_watched_processes").ShouldBe(3);
        Value(first, "process_resident_memory_bytes").ShouldBe(1750d * Environment.SystemPageSize);
        Value(third, "process_resident_memory_bytes").ShouldBe(1600d * Environment.SystemPageSize);
        rates.Count.ShouldBe(2);
        rates[0].ShouldBe(1.0, 1e-9);
        rates[1].ShouldBe(0.4, 1e-9);
        warnings.ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadAsync_FakeProcWatchedPidExits_FailsThenTheSourceStaysUsable()
    {
        using var proc = new FakeProcRoot();
        proc.Process(300, parent: 1, userTicks: 10, systemTicks: 10, rssPages: 10);
        using var source = new ProcessSource(300, proc.Path);
        (await source.ReadAsync(CancellationToken.None)).Error.ShouldBeNull();

        proc.Exit(300);
        SourceReading gone = await source.ReadAsync(CancellationToken.None);
        proc.Process(300, parent: 1, userTicks: 15, systemTicks: 10, rssPages: 10);
        SourceReading back = await source.ReadAsync(CancellationToken.None);

        gone.Error.ShouldBe("process 300 is not running (it exited, or the id is wrong)");
        Value(back.Exposition.ShouldNotBeNull(), "process_cpu_seconds_total").ShouldBe(25 / TicksPerSecond, 1e-9);
    }

    private static async Task<Exposition> ReadAsync(ProcessSource source, double at, SeriesRecognizer recognizer, List<double> rates)
    {
        SourceReading reading = await source.ReadAsync(CancellationToken.None);
        reading.Error.ShouldBeNull();
        rates.AddRange(recognizer.Recognize(reading.Exposition!, at).Where(o => o.Name == "process_cpu_seconds_total").Select(o => o.Value));
        return reading.Exposition!;
    }

    private static double Value(Exposition exposition, string family) =>
        exposition.Find(family).ShouldNotBeNull($"no {family}").Samples.ShouldHaveSingleItem().Value;
}
