using System.Diagnostics;
using System.Net;
using Stampede.Demo.Tests.Infrastructure;

namespace Stampede.Demo.Tests.Inference;

public sealed class AddedLatencyTests : IAsyncLifetime
{
    private static readonly TimeSpan Added = TimeSpan.FromSeconds(1.5);
    private DemoServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DemoServer.StartAsync(new DemoServerOptions { Workers = 1, AddedLatency = Added });
        _client = new HttpClient { BaseAddress = new Uri(_server.Address), Timeout = TimeSpan.FromSeconds(60) };
        await _server.Ready.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Predict_WithAddedLatency_AnswersNoSoonerThanIt_WhileHealthIsNotDelayed()
    {
        byte[] image = TestImages.Jpeg(64, 64, seed: 5);

        var predict = Stopwatch.StartNew();
        using HttpResponseMessage answer = await _client.PostAsync("/predict", Requests.Body(image, "image/jpeg"));
        predict.Stop();
        var health = Stopwatch.StartNew();
        using HttpResponseMessage live = await _client.GetAsync("/v2/health/live");
        health.Stop();

        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        predict.Elapsed.ShouldBeGreaterThanOrEqualTo(Added);
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
        health.Elapsed.ShouldBeLessThan(Added, "only inference routes are slowed");
    }
}
