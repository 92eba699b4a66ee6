using System.Diagnostics;
using Stampede.Tool.Commands;

namespace Stampede.Tool.Tests.Commands;

// The servers here are /bin/sh one-liners that print what a server would; the readiness probes go to 127.0.0.1:9
// (discard), where nothing listens. The real server, serve-demo, is started by DemoCommandTests.
public sealed class ChildServerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "stampede-child-server-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_AddressLine_ReadsAddressAndLogsBothStreams()
    {
        ChildServer server = await ChildServer.StartAsync(
            Shell("echo booting; echo 'demo listening on http://127.0.0.1:9/'; echo 'a warning' >&2; exec sleep 30"),
            CancellationToken.None);
        int pid = server.ProcessId;

        await server.StopAsync();

        server.Address.ShouldBe("http://127.0.0.1:9");
        IsRunning(pid).ShouldBeFalse();
        string log = await File.ReadAllTextAsync(LogPath);
        log.ShouldContain("booting");
        log.ShouldContain("demo listening on http://127.0.0.1:9/");
        log.ShouldContain("a warning");
    }

    [Fact]
    public async Task StartAsync_ExitsBeforeAddress_ThrowsWithExitCodeAndLastLines()
    {
        var ex = await Should.ThrowAsync<ChildServerException>(() =>
            ChildServer.StartAsync(Shell("echo 'bad config: port' >&2; exit 3"), CancellationToken.None));

        ex.Message.ShouldContain("exited with code 3 before it printed the address");
        ex.Message.ShouldContain("bad config: port");
        ex.ProcessId.ShouldNotBeNull();
        IsRunning(ex.ProcessId.Value).ShouldBeFalse();
    }

    [Fact]
    public async Task StartAsync_ReadyPathNeverAnswers_TimesOutAndStopsProcess()
    {
        var options = Shell("echo 'listening on http://127.0.0.1:9'; exec sleep 30", readyPath: "/ready", startupTimeout: TimeSpan.FromSeconds(1));

        var ex = await Should.ThrowAsync<ChildServerException>(() => ChildServer.StartAsync(options, CancellationToken.None));

        ex.Message.ShouldContain("was not ready within 1 s: it was still waiting for http://127.0.0.1:9/ready to answer 2xx");
        IsRunning(ex.ProcessId!.Value).ShouldBeFalse();
    }

    [Fact]
    public async Task StartAsync_Cancelled_StopsProcessAndThrowsCancellation()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var options = Shell("echo starting $$; exec sleep 30");

        await Should.ThrowAsync<OperationCanceledException>(() => ChildServer.StartAsync(options, cancel.Token));

        // exec keeps the shell's pid, so the one it printed is the sleeping process's.
        string log = await File.ReadAllTextAsync(LogPath);
        int pid = int.Parse(log.Trim().Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        IsRunning(pid).ShouldBeFalse();
    }

    [Fact]
    public async Task StopAsync_ServerIgnoresSigterm_KillsItAfterStopTimeout()
    {
        var options = Shell("trap '' TERM; echo 'listening on http://127.0.0.1:9'; exec sleep 30", stopTimeout: TimeSpan.FromMilliseconds(500));
        ChildServer server = await ChildServer.StartAsync(options, CancellationToken.None);
        var clock = Stopwatch.StartNew();

        await server.StopAsync();

        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(450));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        IsRunning(server.ProcessId).ShouldBeFalse();
    }

    private string LogPath => Path.Combine(_dir, "server.log");

    private ChildServerOptions Shell(string script, string? readyPath = null, TimeSpan? startupTimeout = null, TimeSpan? stopTimeout = null) => new()
    {
        FileName = "/bin/sh",
        Arguments = ["-c", script],
        LogPath = LogPath,
        ReadyPath = readyPath,
        StartupTimeout = startupTimeout ?? TimeSpan.FromSeconds(10),
        StopTimeout = stopTimeout ?? TimeSpan.FromSeconds(5),
    };

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
