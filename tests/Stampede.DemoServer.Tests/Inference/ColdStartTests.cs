using System.Net;
using Stampede.Core.Tests.Infrastructure;
using Stampede.Demo.Tests.Infrastructure;

namespace Stampede.Demo.Tests.Inference;

public sealed class ColdStartTests
{
    [Fact]
    public async Task StartAsync_ModelStillLoading_ListensButIsNotReadyAndQueuesRequestsUntilItIs()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new DemoServerOptions { Workers = 1, BeforeModelLoad = ct => release.Task.WaitAsync(ct) };
        await using var server = await DemoServer.StartAsync(options);
        using var client = new HttpClient { BaseAddress = new Uri(server.Address), Timeout = TimeSpan.FromSeconds(60) };

        server.Address.ShouldStartWith("http://127.0.0.1:");
        server.Ready.IsCompleted.ShouldBeFalse();
        server.ColdStart.ShouldBeNull();
        (await client.GetAsync("/v2/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/v2/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var loading = await Requests.ScrapeAsync(client);
        loading.Value("stampede_demo_model_ready").ShouldBe(0);
        loading.Value("stampede_demo_workers_current").ShouldBe(1);
        loading.Value("stampede_demo_workers_ready").ShouldBe(0);
        loading.Value("stampede_demo_cold_start_seconds").ShouldBe(0);

        var early = Requests.PredictAsync(client, TestImages.Jpeg(224, 224));
        await Eventually.TrueAsync(() => server.Pool.QueueLength == 1, "the early request waits in the queue");
        release.SetResult();
        await server.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        var (response, json) = await early;

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        server.ColdStart.ShouldNotBeNull();
        server.ColdStart.Value.ShouldBeGreaterThan(TimeSpan.Zero);
        Requests.Timing(json, "queueMs").ShouldBeGreaterThan(server.ColdStart.Value.TotalMilliseconds * 0.9, "the early request waited out the model load");
        (await client.GetAsync("/v2/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Requests.ScrapeAsync(client)).Value("stampede_demo_cold_start_seconds").ShouldBe(server.ColdStart.Value.TotalSeconds, 1e-9);
    }

    [Fact]
    public async Task StartAsync_ModelMissing_ReadyFaultsAndInferenceAnswers503()
    {
        var options = new DemoServerOptions { Workers = 1, ModelPath = Path.Combine(Path.GetTempPath(), "no-such-model.onnx") };
        await using var server = await DemoServer.StartAsync(options);
        using var client = new HttpClient { BaseAddress = new Uri(server.Address) };

        await Should.ThrowAsync<FileNotFoundException>(() => server.Ready.WaitAsync(TimeSpan.FromSeconds(30)));
        var (predict, json) = await Requests.PredictAsync(client, TestImages.Jpeg(64, 64));
        var ready = await client.GetAsync("/v2/health/ready");
        var live = await client.GetAsync("/v2/health/live");

        predict.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        json.GetProperty("error").GetString()!.ShouldContain("model");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task StopAsync_WhileLoading_StopsAndAnswersQueuedRequests()
    {
        var never = new TaskCompletionSource();
        var server = await DemoServer.StartAsync(new DemoServerOptions { Workers = 1, BeforeModelLoad = ct => never.Task.WaitAsync(ct) });
        using var client = new HttpClient { BaseAddress = new Uri(server.Address), Timeout = TimeSpan.FromSeconds(30) };
        var queued = Requests.PredictAsync(client, TestImages.Jpeg(64, 64));
        await Eventually.TrueAsync(() => server.Pool.QueueLength == 1, "the request is queued");

        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var (response, _) = await queued;

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        await Should.ThrowAsync<TaskCanceledException>(() => server.Ready);
        await server.DisposeAsync();
    }
}
