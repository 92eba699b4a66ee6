using System.Net;
using System.Text;
using Stampede.Demo.Llm;
using Stampede.Demo.Telemetry;
using Stampede.Demo.Tests.Infrastructure;

namespace Stampede.Demo.Tests.Llm;

/// <summary>Without <see cref="DemoServerOptions.Llm"/> the server is the image demo only: no simulator routes, no vLLM series.</summary>
[Collection(DemoServerCollection.Name)]
public sealed class LlmOffTests
{
    private readonly DemoServerFixture _fixture;

    public LlmOffTests(DemoServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task ImageServer_WithoutLlm_HasNoSimulatorRoutesOrVllmSeries()
    {
        using var chat = await _fixture.Client.PostAsync(LlmEndpoints.ChatRoute, new StringContent(LlmStream.ChatBody(2, stream: false), Encoding.UTF8, "application/json"));
        var samples = await Requests.ScrapeAsync(_fixture.Client);

        chat.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        foreach (var family in DemoServerMetrics.LlmFamilyNames)
        {
            samples.ShouldNotContain(s => s.Name == family);
        }
    }
}
