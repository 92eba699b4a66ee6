using System.Net;
using Stampede.Demo.Telemetry;
using Stampede.Demo.Tests.Infrastructure;

namespace Stampede.Demo.Tests.Telemetry;

[Collection(DemoServerCollection.Name)]
public sealed class MetricsEndpointTests
{
    private readonly DemoServerFixture _fixture;

    public MetricsEndpointTests(DemoServerFixture fixture) => _fixture = fixture;

    private HttpClient Client => _fixture.Client;

    [Fact]
    public async Task Metrics_AfterRequests_IsPrometheusTextWithEveryFamily()
    {
        await Requests.PredictAsync(Client, TestImages.Jpeg(224, 224, seed: 2));
        await Requests.PredictAsync(Client, [], "image/jpeg");

        var response = await Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        var samples = PrometheusText.Parse(text);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        foreach (var family in DemoServerMetrics.FamilyNames)
        {
            samples.ShouldContain(s => s.Name == family || s.Name.StartsWith(family + "_", StringComparison.Ordinal), $"missing {family}");
        }
    }

    [Fact]
    public async Task Metrics_CountsRequestsByEndpointAndStatus()
    {
        var before = await Requests.ScrapeAsync(Client);
        var ok = CountOrZero(before, "/predict", "200");
        var bad = CountOrZero(before, "/predict", "415");

        await Requests.PredictAsync(Client, TestImages.Jpeg(224, 224, seed: 4));
        await Requests.PredictAsync(Client, TestImages.Jpeg(224, 224, seed: 4));
        await Requests.PredictAsync(Client, [1], "text/plain");
        var after = await Requests.ScrapeAsync(Client);

        CountOrZero(after, "/predict", "200").ShouldBe(ok + 2);
        CountOrZero(after, "/predict", "415").ShouldBe(bad + 1);
        after.Value("stampede_demo_request_duration_seconds_count", ("endpoint", "/predict"))
            .ShouldBeGreaterThanOrEqualTo(ok + bad + 3);
        after.Value("stampede_demo_stage_duration_seconds_count", ("stage", "inference")).ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Metrics_ReadyServer_ReportsWorkersColdStartAndProcess()
    {
        var samples = await Requests.ScrapeAsync(Client);

        samples.Value("stampede_demo_model_ready").ShouldBe(1);
        samples.Value("stampede_demo_workers_current").ShouldBe(2);
        samples.Value("stampede_demo_workers_ready").ShouldBe(2);
        samples.Value("stampede_demo_queue_capacity").ShouldBe(64);
        samples.Value("stampede_demo_queue_length").ShouldBe(0);
        samples.Value("stampede_demo_cold_start_seconds").ShouldBe(_fixture.Server.ColdStart!.Value.TotalSeconds, 1e-9);
        samples.Value("stampede_demo_cold_start_seconds").ShouldBeGreaterThan(0);
        samples.Value("stampede_demo_requests_in_flight").ShouldBe(1); // this scrape
        samples.Value("process_cpu_seconds_total").ShouldBeGreaterThan(0);
        samples.Value("process_resident_memory_bytes").ShouldBeGreaterThan(50_000_000); // the model alone is ~45 MB of weights
    }

    private static double CountOrZero(IReadOnlyList<PrometheusSample> samples, string endpoint, string status) =>
        samples.Where(s => s.Name == "stampede_demo_requests_total" && s.Labels["endpoint"] == endpoint && s.Labels["status"] == status)
            .Select(s => s.Value).DefaultIfEmpty(0).Single();
}
