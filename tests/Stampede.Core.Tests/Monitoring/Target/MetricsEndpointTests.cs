using Stampede.Monitoring;

namespace Stampede.Core.Tests.Monitoring.Target;

public sealed class MetricsEndpointTests
{
    [Theory]
    [InlineData("http://127.0.0.1:9100/metrics", "127.0.0.1:9100", "http://127.0.0.1:9100/metrics")]
    [InlineData(" node=http://127.0.0.1:9100/metrics ", "node", "http://127.0.0.1:9100/metrics")]
    [InlineData("gpu.dcgm-0=https://gpu-node-01:9400/metrics", "gpu.dcgm-0", "https://gpu-node-01:9400/metrics")]
    [InlineData("http://127.0.0.1:9100/metrics?collect[]=cpu", "127.0.0.1:9100", "http://127.0.0.1:9100/metrics?collect[]=cpu")]
    [InlineData("node=http://127.0.0.1:9100/metrics?collect[]=cpu&x=1", "node", "http://127.0.0.1:9100/metrics?collect[]=cpu&x=1")]
    [InlineData("http://[::1]:8000/metrics", "[::1]:8000", "http://[::1]:8000/metrics")]
    public void TryParse_Valid_NameAndUrl(string text, string name, string url)
    {
        bool parsed = MetricsEndpoint.TryParse(text, out MetricsEndpoint? endpoint, out string? error);

        parsed.ShouldBeTrue(error);
        error.ShouldBeNull();
        endpoint.ShouldNotBeNull();
        endpoint.Name.ShouldBe(name);
        endpoint.Url.ShouldBe(new Uri(url));
    }

    [Theory]
    [InlineData("127.0.0.1:9100/metrics")]
    [InlineData("localhost:9100/metrics")]
    [InlineData("ftp://127.0.0.1/metrics")]
    [InlineData("file:///proc/stat")]
    [InlineData("/metrics")]
    [InlineData("node=")]
    [InlineData("")]
    public void TryParse_NotAnHttpUrl_SaysWhatWouldBeValid(string text)
    {
        bool parsed = MetricsEndpoint.TryParse(text, out MetricsEndpoint? endpoint, out string? error);

        parsed.ShouldBeFalse();
        endpoint.ShouldBeNull();
        error.ShouldBe($"'{text}' is not an absolute http:// or https:// URL; give one such as http://127.0.0.1:9100/metrics, optionally named: node=http://127.0.0.1:9100/metrics.");
    }

    [Theory]
    [InlineData("my node=http://127.0.0.1:9100/metrics", "my node")]
    [InlineData("gpu/0=http://127.0.0.1:9400/metrics", "gpu/0")]
    public void TryParse_BadSourceName_SaysWhichCharactersAreAllowed(string text, string name)
    {
        bool parsed = MetricsEndpoint.TryParse(text, out MetricsEndpoint? endpoint, out string? error);

        parsed.ShouldBeFalse();
        endpoint.ShouldBeNull();
        error.ShouldBe($"'{text}': the source name '{name}' may hold only letters, digits, '-', '_' and '.', e.g. gpu=http://127.0.0.1:9400/metrics.");
    }
}
