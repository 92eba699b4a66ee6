using System.Net;
using Microsoft.Extensions.Time.Testing;
using Stampede.Core.Tests.Infrastructure;
using Stampede.Demo.Tests.Infrastructure;

namespace Stampede.Demo.Tests.Scaling;

public sealed class AutoscaleTests : IAsyncLifetime
{
    private static readonly TimeSpan ScaleUpDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ScaleDownDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WorkerColdStart = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _clock = new();
    private DemoServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DemoServer.StartAsync(new DemoServerOptions
        {
            Workers = 8, // ignored: the autoscaler starts at its minimum
            MaxQueue = 64,
            Autoscale = new AutoscaleRange(1, 3),
            ScaleUpQueueThreshold = 2,
            ScaleUpDelay = ScaleUpDelay,
            ScaleDownDelay = ScaleDownDelay,
            WorkerColdStart = WorkerColdStart,
            TimeProvider = _clock,
        });
        _client = new HttpClient { BaseAddress = new Uri(_server.Address), Timeout = TimeSpan.FromSeconds(60) };
        await _server.Ready.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Autoscale_QueueStaysLong_AddsWorkerThatIsReadyOnlyAfterItsColdStartThenScalesDownWhenIdle()
    {
        var pool = _server.Pool;
        pool.CurrentWorkers.ShouldBe(1);
        pool.ReadyWorkers.ShouldBe(1);

        // ~30 × 75 ms of inference for one worker: the queue stays above 2 for far longer than the test needs.
        var image = TestImages.Jpeg(224, 224, seed: 41);
        var burst = Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Requests.PredictAsync(_client, image)));
        await Eventually.TrueAsync(() => pool.QueueLength > 2, "the queue is longer than the threshold");

        // The fake clock moves in the autoscaler's own steps; each step reads the (real) queue.
        var waited = TimeSpan.Zero;
        while (pool.CurrentWorkers == 1 && waited < ScaleUpDelay * 2)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            waited += TimeSpan.FromSeconds(1);
        }

        pool.CurrentWorkers.ShouldBe(2, "a worker is added once the queue stayed long for the scale-up delay");
        waited.ShouldBeGreaterThanOrEqualTo(ScaleUpDelay);
        pool.ReadyWorkers.ShouldBe(1, "the new worker is still in its cold start");
        var coldSamples = await Requests.ScrapeAsync(_client);
        coldSamples.Value("stampede_demo_workers_current").ShouldBe(2);
        coldSamples.Value("stampede_demo_workers_ready").ShouldBe(1);

        _clock.Advance(WorkerColdStart);

        await Eventually.TrueAsync(() => pool.ReadyWorkers == 2, "the new worker finished its cold start");
        var warmSamples = await Requests.ScrapeAsync(_client);
        warmSamples.Value("stampede_demo_workers_ready").ShouldBe(2);
        warmSamples.Value("stampede_demo_scale_events_total", ("direction", "up")).ShouldBe(1);

        var results = await burst;
        results.ShouldAllBe(r => r.Response.StatusCode == HttpStatusCode.OK);

        await Eventually.TrueAsync(() => pool.BusyWorkers == 0 && pool.QueueLength == 0, "the burst is over");
        for (var i = 0; i < 40 && pool.CurrentWorkers > 1; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        pool.CurrentWorkers.ShouldBe(1, "idle for the scale-down delay, back to the minimum");
        (await Requests.ScrapeAsync(_client)).Value("stampede_demo_scale_events_total", ("direction", "down")).ShouldBe(1);
        var (after, _) = await Requests.PredictAsync(_client, image);
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
