using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Tests.Targets;

/// <summary>Ctrl-C to a scenario app that started its target: once (a graceful end) and twice (an abrupt one); the server never survives.</summary>
[Collection(nameof(TimingSensitive))]
public sealed partial class ColdStartSignalTests : IDisposable
{
    private readonly string _outputs = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_outputs) && Environment.GetEnvironmentVariable("STAMPEDE_KEEP_TEST_OUTPUTS") is null)
        {
            Directory.Delete(_outputs, recursive: true);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Process_CtrlCDuringTheRun_LeavesNoProcessOfTheTargetsGroup(int interrupts)
    {
        var target = SlowStartTarget.Create(_outputs);
        string json = Path.Combine(_outputs, "run.json");
        string app = Path.Combine(AppContext.BaseDirectory, "Stampede.TestScenario.dll");

        // Twice: the server ignores SIGTERM (inherited by exec), so its graceful stop would take the 5 s stop timeout,
        // and the second Ctrl-C comes while it is stopping: only the signal handler's SIGKILL ends it sooner.
        string server = target.Command(TimeSpan.FromMilliseconds(200), TimeSpan.Zero);
        string command = interrupts == 1 ? server : $"trap '' TERM; exec {server}";
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                app, "--target-command", command, "--target-ready", target.ReadyUrl,
                "-u", "2", "-r", "10", "-t", "2m", "--headless", "--only-summary", "--json", json,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        var output = new StringWriter();
        process.OutputDataReceived += (_, e) => { lock (output) { output.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string Output()
        {
            lock (output)
            {
                return output.ToString();
            }
        }

        await Eventually.TrueAsync(() => Output().Contains("Stampede 0.1", StringComparison.Ordinal), "the main run has started", timeoutMs: 15_000);
        string log = await File.ReadAllTextAsync(Path.Combine(_outputs, "target.log"));
        Match pids = PidLine().Match(log);
        pids.Success.ShouldBeTrue(log);
        int group = int.Parse(pids.Groups["pgid"].Value, CultureInfo.InvariantCulture);
        SlowStartTarget.GroupMembers(group).ShouldNotBeEmpty();

        await InterruptAsync(process);
        if (interrupts == 2)
        {
            await Eventually.TrueAsync(() => Output().Contains("Run ended because", StringComparison.Ordinal), "the run has ended and the target is stopping", timeoutMs: 10_000);
            await Task.Delay(200);
            await InterruptAsync(process);
        }

        var sinceLast = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await process.WaitForExitAsync(timeout.Token);

        await Eventually.TrueAsync(() => SlowStartTarget.GroupMembers(group).Count == 0, "the target's process group is gone", timeoutMs: 2_000);
        if (interrupts == 2)
        {
            sinceLast.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3), "the group was killed by the second Ctrl-C, not by the stop timeout");
        }

        if (interrupts == 1)
        {
            // A graceful end: the outputs are written, then the server is stopped.
            process.ExitCode.ShouldBe(0, Output());
            using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            document.RootElement.GetProperty("run").GetProperty("stopReason").GetString().ShouldBe("interrupted");
            document.RootElement.GetProperty("analysis").GetProperty("coldStart").GetProperty("readySeconds").GetArrayLength().ShouldBe(1);
            Output().ShouldContain("Stopped the target");
        }
        else
        {
            // The second Ctrl-C ends the process at once, the default way, and the group gets SIGKILL first.
            process.ExitCode.ShouldNotBe(0, Output());
        }
    }

    private static async Task InterruptAsync(Process process)
    {
        using Process kill = Process.Start("kill", $"-INT {process.Id.ToString(CultureInfo.InvariantCulture)}")!;
        await kill.WaitForExitAsync();
    }

    [GeneratedRegex(@"^pid (?<pid>\d+) pgid (?<pgid>\d+)$", RegexOptions.Multiline)]
    private static partial Regex PidLine();
}
