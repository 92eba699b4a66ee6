using System.Diagnostics;
using System.Globalization;
using Stampede.Targets;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Tests.Targets;

[Collection(nameof(TimingSensitive))]
public sealed class TargetProcessTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "stampede-target-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_Server_LeadsItsOwnProcessGroupThatStopAsyncEmpties()
    {
        var server = SlowStartTarget.Create(_dir);

        TargetProcess target = await TargetProcess.StartAsync(Options(server.Command(TimeSpan.Zero, TimeSpan.Zero), server.ReadyUrl), CancellationToken.None);
        int group = target.ProcessGroupId ?? 0;
        IReadOnlyList<int> running = SlowStartTarget.GroupMembers(group);
        await target.StopAsync();

        group.ShouldBe(target.ProcessId);
        group.ShouldNotBe(Environment.ProcessId);
        running.ShouldNotBeEmpty();
        SlowStartTarget.GroupMembers(group).ShouldBeEmpty();
        (await File.ReadAllTextAsync(LogPath)).ShouldContain($"pgid {group.ToString(CultureInfo.InvariantCulture)}");
    }

    [Fact]
    public async Task StopAsync_GroupIgnoresSigterm_SendsSigkillAfterTheStopTimeout()
    {
        // An ignored SIGTERM is inherited across fork and exec: the child sleep and the Python server both ignore it.
        var server = SlowStartTarget.Create(_dir);
        string command = $"trap '' TERM; sleep 60 & exec {server.Command(TimeSpan.Zero, TimeSpan.Zero)}";
        TargetProcess target = await TargetProcess.StartAsync(Options(command, server.ReadyUrl, stopTimeout: TimeSpan.FromMilliseconds(500)), CancellationToken.None);
        int group = target.ProcessGroupId!.Value;
        SlowStartTarget.GroupMembers(group).Count.ShouldBe(2);
        var clock = Stopwatch.StartNew();

        await target.StopAsync();

        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(450));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        SlowStartTarget.GroupMembers(group).ShouldBeEmpty();
        (await File.ReadAllTextAsync(LogPath)).ShouldContain("after SIGTERM: SIGKILL");
    }

    [Fact]
    public async Task StartAsync_CancelledWhileWaiting_StopsTheGroupAndThrowsCancellation()
    {
        string pids = Path.Combine(_dir, "pids");
        Directory.CreateDirectory(_dir);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var options = Options($"echo $$ > {pids}; sleep 60 & wait", $"http://127.0.0.1:{SlowStartTarget.FreePort()}/ready");

        await Should.ThrowAsync<OperationCanceledException>(() => TargetProcess.StartAsync(options, cancel.Token));

        int leader = int.Parse((await File.ReadAllTextAsync(pids)).Trim(), CultureInfo.InvariantCulture);
        SlowStartTarget.GroupMembers(leader).ShouldBeEmpty();
    }

    [Fact]
    public async Task StartAsync_ReadyUrlAnswers503_TimesOutNamingTheLastAnswer()
    {
        var server = SlowStartTarget.Create(_dir);
        var options = Options(server.Command(TimeSpan.Zero, TimeSpan.Zero), server.Address + "/unavailable", readyTimeout: TimeSpan.FromSeconds(1));

        var ex = await Should.ThrowAsync<TargetProcessException>(() => TargetProcess.StartAsync(options, CancellationToken.None));

        ex.Message.ShouldContain($"was not ready within 1 s (--target-ready-timeout): {server.Address}/unavailable never answered 2xx (last probe: HTTP 503 Service Unavailable)");
        ex.Message.ShouldContain("listening on");
        SlowStartTarget.GroupMembers(ex.ProcessId!.Value).ShouldBeEmpty();
    }

    private string LogPath => Path.Combine(_dir, "target.log");

    private TargetProcessOptions Options(string command, string readyUrl, TimeSpan? readyTimeout = null, TimeSpan? stopTimeout = null) => new()
    {
        Command = command,
        ReadyUrl = new Uri(readyUrl),
        LogPath = LogPath,
        ReadyTimeout = readyTimeout ?? TimeSpan.FromSeconds(10),
        StopTimeout = stopTimeout ?? TimeSpan.FromSeconds(5),
    };
}
