using System.Net;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Demo.Tests;

public sealed class DemoServerRunTests
{
    [Fact]
    public async Task RunAsync_UntilCancelled_PrintsAddressAndReadinessThenStopsWithZero()
    {
        var output = new StringWriter();
        var synchronizedOutput = TextWriter.Synchronized(output);
        var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var run = DemoServer.RunAsync(new DemoServerOptions { Workers = 1 }, synchronizedOutput, error, stop.Token);
        await Eventually.TrueAsync(() => Text(output).Contains("Press Ctrl+C", StringComparison.Ordinal), "the server says it is ready", 60_000);
        var address = System.Text.RegularExpressions.Regex.Match(Text(output), @"listening on (http://127\.0\.0\.1:\d+)").Groups[1].Value;
        using (var client = new HttpClient())
        {
            (await client.GetAsync(address + "/v2/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await stop.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(30));

        exitCode.ShouldBe(DemoServer.ExitOk);
        Text(output).ShouldContain("Ready: model loaded and warmed up in");
        Text(output).ShouldContain(address + "/predict");
        error.ToString().ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_InvalidOptions_ExplainsAndReturnsTwo()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await DemoServer.RunAsync(new DemoServerOptions { MaxQueue = -1 }, output, error, CancellationToken.None);

        exitCode.ShouldBe(DemoServer.ExitInvalidOptions);
        error.ToString().ShouldContain("DemoServerOptions.MaxQueue is '-1'");
        output.ToString().ShouldBeEmpty();
    }

    private static string Text(StringWriter writer)
    {
        lock (writer)
        {
            return writer.ToString();
        }
    }
}
