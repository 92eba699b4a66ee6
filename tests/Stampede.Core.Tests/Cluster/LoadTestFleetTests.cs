using Microsoft.Extensions.Time.Testing;
using Stampede.Cluster;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Core.Tests.Cluster;

/// <summary>A coordinator's run over a fleet of agents (here a fake one): what it merges, whose health it judges, what it warns about.</summary>
public sealed class LoadTestFleetTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task RunAsync_Fleet_MergesItsSecondsAndJudgesTheAgentsHealthNotItsOwnSockets()
    {
        var fleet = new FakeFleet(_time, users: 30_000, seconds: 3);
        using var test = new LoadTest(new LoadTestOptions { Users = 30_000, SpawnRate = 30_000, RunTime = TimeSpan.FromSeconds(3), Fleet = fleet }, [typeof(IdleUser)], _time)
        {
            FileLimit = 1024,
        };

        Task<RunResult> run = test.RunAsync();
        for (int i = 0; i < 200 && !run.IsCompleted; i++)
        {
            await Task.Delay(5);
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        RunResult result = await run;
        result.Stats.Total.Requests.ShouldBe(3 * FakeFleet.RequestsPerSecond);
        result.Stats.History.Select(h => h.Users).ShouldBe([30_000, 30_000, 30_000]);
        result.Stats.Generator.PeakCpuPercent.ShouldBe(77, "the agents' health, from the run's own PrepareRun");
        result.Stats.Generator.BoundSeconds.ShouldBe(1);
        result.Stats.Generator.BoundReasons.ShouldBe(["agent-a: CPU above 90%"]);
        result.Stats.Warnings.ShouldNotContain(w => w.Kind == RunWarning.FileLimit, "the coordinator opens no sockets for the users");
        result.Stats.Cluster.ShouldNotBeNull().RunId.ShouldBe("fake");
        result.Validity.Reasons.ShouldContain(r => r.Contains("agent-a: CPU above 90%", StringComparison.Ordinal));
        fleet.PreparedRuns.ShouldBe(1);
    }

    internal sealed class IdleUser : User
    {
        [Task]
        public Task Nothing() => Task.CompletedTask;
    }

    /// <summary>One agent that has, at the start, already sent every second of the run.</summary>
    private sealed class FakeFleet(FakeTimeProvider time, int users, int seconds) : IAgentFleet
    {
        public const int RequestsPerSecond = 100;

        private ClusterHealth _health = new(90);
        private bool _sent;

        public int PreparedRuns { get; private set; }

        public int Users => users;

        public ClusterStats Current => new() { RunId = "fake", Server = "nats://fake:4222" };

        public FleetArrivals? Arrivals => null;

        public IGeneratorWatch PrepareRun(LoadTestOptions options)
        {
            PreparedRuns++;
            _health = new ClusterHealth(options.CpuWarningThresholdPercent);
            return _health;
        }

        public IReadOnlyList<RunWarning> TakeWarnings() => [];

        public Task<long> StartAsync(FleetStart start, CancellationToken cancellationToken) => Task.FromResult(time.GetTimestamp());

        public void Drain(MetricsAggregator aggregator)
        {
            if (!_sent)
            {
                _sent = true;
                for (int second = 0; second < seconds; second++)
                {
                    aggregator.Merge(Second(second));
                    if (second == 1)
                    {
                        _health.NoteBound("agent-a", second);
                    }
                }

                _health.Report("agent-a", new GeneratorHealth { PeakCpuPercent = 77, BoundReasons = ["CPU above 90%"] }, [], []);
            }

            aggregator.MergeWatermark = seconds;
        }

        public async Task<StopReason> RunAsync(CancellationToken stop)
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), time, stop).ConfigureAwait(false);
            return StopReason.RunTimeElapsed;
        }

        public Task<double> FinishAsync(TimeSpan timeout) => Task.FromResult((double)seconds);

        public void SetUsers(int users, double spawnRate)
        {
        }

        public void SetRate(double rate, double atSeconds)
        {
        }

        private IntervalState Second(int second)
        {
            var row = new RowAccumulator(trackTimeToFirstByte: true);
            var total = new RowAccumulator(trackTimeToFirstByte: true, trackLag: true);
            for (int i = 0; i < RequestsPerSecond; i++)
            {
                long latency = time.TimestampFrequency / 100;
                var sample = new RequestSample(0, 0, 200, 0, 0, latency / 2, latency, 10, 10);
                row.Add(in sample, latency, 10_000, latency / 2, 5_000);
                total.Add(in sample, latency, 10_000, latency / 2, 5_000);
            }

            return new IntervalState
            {
                Second = second,
                DurationSeconds = 1,
                Users = users,
                Rows = [row.ToState(new RowKey("GET", "/x"))],
                Total = total.ToState(new RowKey(string.Empty, "Aggregated")),
            };
        }
    }
}
