using Microsoft.Extensions.Time.Testing;
using Stampede.Analysis;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Load;

/// <summary>The run's early warnings: a target nothing reaches stops the run at once, a scoped threshold without its row is named.</summary>
public sealed class LoadTestEarlyWarningTests
{
    [Fact]
    public async Task RunAsync_NothingListens_StopsWithinSecondsAndNamesHostAndPort()
    {
        int port = LoopbackPort.Free();
        var options = new LoadTestOptions { Host = $"http://127.0.0.1:{port}", Users = 2, SpawnRate = 100, RunTime = TimeSpan.FromSeconds(60) };
        using var test = new LoadTest(options, [typeof(PollingUser)]);
        var raised = new List<RunWarning>();
        test.RunWarningRaised += raised.Add;

        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(40));

        result.StopReason.ShouldBe(StopReason.TargetUnreachable);
        result.Stats.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the run stops once the first seconds show the target unreachable, not at its run time");
        RunWarning warning = result.Stats.Warnings.ShouldHaveSingleItem();
        warning.Kind.ShouldBe(RunWarning.TargetUnreachable);
        warning.Message.ShouldStartWith($"Target unreachable: nothing listens on 127.0.0.1:{port} — is the server up? All ");
        warning.Message.ShouldContain(" requests of the first ");
        warning.Message.ShouldContain(" s failed with ConnectionRefused: the server refused the connection; the run stops early (--keep-going runs on).");
        raised.ShouldBe([warning]);
        result.Validity.IsValid.ShouldBeFalse();
        result.Validity.Reasons.ShouldContain("the target was unreachable: no request reached a server");
    }

    [Fact]
    public async Task RunAsync_NothingListensWithKeepGoing_WarnsAndRunsItsRunTime()
    {
        int port = LoopbackPort.Free();
        var options = new LoadTestOptions { Host = $"http://127.0.0.1:{port}", Users = 1, SpawnRate = 100, RunTime = TimeSpan.FromSeconds(4.5), KeepGoing = true };
        using var test = new LoadTest(options, [typeof(PollingUser)]);

        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(40));

        result.StopReason.ShouldBe(StopReason.RunTimeElapsed);
        result.Stats.Warnings.ShouldHaveSingleItem().Message.ShouldEndWith("--keep-going: the run goes on.");
    }

    [Fact]
    public async Task RunAsync_ServerAnswersErrors_IsReachableAndRunsOn()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        var options = new LoadTestOptions { Host = server.Address, Users = 1, SpawnRate = 100, RunTime = TimeSpan.FromSeconds(4.5) };
        using var test = new LoadTest(options, [typeof(FailingUser)]);

        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(40));

        result.Stats.Total.Failures.ShouldBe(result.Stats.Total.Requests);
        result.Stats.Total.Requests.ShouldBeGreaterThanOrEqualTo(UnreachableTargetDetector.MinRequests);
        result.StopReason.ShouldBe(StopReason.RunTimeElapsed);
        result.Stats.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_ScopedThresholdWithoutItsRow_WarnsAfterTenSecondsNamingTheRows()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var options = new LoadTestOptions
        {
            Rate = 5,
            RunTime = TimeSpan.FromSeconds(12),
            Seed = 1,
            Thresholds = [Threshold.Parse("\"predict smal\": p95<300ms"), Threshold.Parse("\"GET predict\": p95<1s"), Threshold.Parse("p99<2s")],
        };
        using var test = new LoadTest(options, [typeof(LoadTestThresholdTests.SlowRecordingUser)], time);
        var raised = new List<RunWarning>();
        test.RunWarningRaised += raised.Add;

        Task<RunResult> run = test.RunAsync();
        for (double moved = 0; !run.IsCompleted && moved < 60; moved += 0.01)
        {
            await Task.Delay(2);
            time.Advance(TimeSpan.FromSeconds(0.01));
        }

        RunResult result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        RunWarning warning = result.Stats.Warnings.ShouldHaveSingleItem();
        warning.Kind.ShouldBe(RunWarning.SloRowMissing);
        warning.At.ShouldBeGreaterThanOrEqualTo(MissingRowDetector.Grace);
        warning.At.ShouldBeLessThan(TimeSpan.FromSeconds(12));
        warning.Message.ShouldBe("--slo \"predict smal\": p95<300ms: no requests named \"predict smal\" after 10 s; the rows so far: \"GET predict\".");
        raised.ShouldBe([warning]);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)] // shared connections: a few sockets for every user
    public async Task RunAsync_MoreUsersThanTheFileLimitAllows_WarnsOnceNamingTheLimit(bool shared, bool warned)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        var options = new LoadTestOptions { Host = server.Address, Users = 3, SpawnRate = 100, RunTime = TimeSpan.FromSeconds(2.5), ShareConnections = shared };
        using var test = new LoadTest(options, [typeof(PollingUser)]) { FileLimit = 66 }; // 3 users and the 64 kept for the rest: one too many

        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(40));

        result.StopReason.ShouldBe(StopReason.RunTimeElapsed);
        if (warned)
        {
            RunWarning warning = result.Stats.Warnings.ShouldHaveSingleItem();
            warning.Kind.ShouldBe(RunWarning.FileLimit);
            warning.Message.ShouldStartWith("3 users need 3 sockets (one connection each), but this process may open 66 files (ulimit -n)");
        }
        else
        {
            result.Stats.Warnings.ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task RunAsync_SourceAddresses_EachUserConnectsFromItsOwnInTurn()
    {
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        await using LoopbackServer server = await LoopbackServer.StartAsync(extra: context =>
        {
            seen.TryAdd(context.Connection.RemoteIpAddress!.ToString(), 0);
            return Task.FromResult(false);
        });
        var options = new LoadTestOptions
        {
            Host = server.Address,
            Users = 4,
            SpawnRate = 100,
            RunTime = TimeSpan.FromSeconds(1.5),
            SourceAddresses = [System.Net.IPAddress.Parse("127.0.0.2"), System.Net.IPAddress.Parse("127.0.0.3")],
        };
        using var test = new LoadTest(options, [typeof(PollingUser)]);

        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(40));

        result.Stats.Total.Failures.ShouldBe(0);
        result.Stats.Total.Requests.ShouldBeGreaterThan(4);
        seen.Keys.Order().ShouldBe(["127.0.0.2", "127.0.0.3"]);
    }

    internal sealed class PollingUser : HttpUser
    {
        public override WaitTime WaitTime => WaitTime.Constant(0.05);

        [Task]
        public Task Get() => Client.GetAsync("/ok");
    }

    internal sealed class FailingUser : HttpUser
    {
        public override WaitTime WaitTime => WaitTime.Constant(0.05);

        [Task]
        public Task Get() => Client.GetAsync("/status?code=503");
    }
}
