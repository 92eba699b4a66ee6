using System.Net;
using Stampede.Demo.Tests.Infrastructure;

namespace Stampede.Demo.Tests.Inference;

public sealed class OverloadTests : IAsyncLifetime
{
    private DemoServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DemoServer.StartAsync(new DemoServerOptions { Workers = 1, MaxQueue = 1 });
        _client = new HttpClient { BaseAddress = new Uri(_server.Address), Timeout = TimeSpan.FromSeconds(60) };
        await _server.Ready.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Predict_ManyConcurrentOnOneWorkerAndQueueOfOne_SomeAnswer503AtOnceAndTheServerRecovers()
    {
        // Each request holds the only worker for a full-HD decode, resize and inference (~100 ms): 16 sent together
        // cannot all fit in one worker plus one queue slot.
        var image = TestImages.Jpeg(1920, 1080, seed: 31);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _client.PostAsync("/predict", Requests.Body(image, "image/jpeg"))));

        var rejected = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        var served = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        rejected.ShouldNotBeEmpty();
        // At least the request in the one queue slot is served; a second only when the worker took the first from the
        // queue before the rest arrived, which the test cannot arrange.
        served.ShouldBeGreaterThanOrEqualTo(1);
        (served + rejected.Count).ShouldBe(16);
        rejected.ShouldAllBe(r => r.Headers.RetryAfter != null && r.Headers.RetryAfter.Delta == TimeSpan.FromSeconds(1));
        (await rejected[0].Content.ReadAsStringAsync()).ShouldContain("capacity");

        var samples = await Requests.ScrapeAsync(_client);
        samples.Value("stampede_demo_rejected_total").ShouldBe(rejected.Count);
        samples.Value("stampede_demo_requests_total", ("endpoint", "/predict"), ("status", "503")).ShouldBe(rejected.Count);

        var (after, json) = await Requests.PredictAsync(_client, TestImages.Jpeg(224, 224));
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
        json.GetProperty("embeddingDimension").GetInt32().ShouldBe(512);
    }
}
