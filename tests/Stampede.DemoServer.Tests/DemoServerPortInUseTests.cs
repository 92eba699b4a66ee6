using System.Net;

namespace Stampede.Demo.Tests;

public sealed class DemoServerPortInUseTests : IDisposable
{
    private readonly System.Net.Sockets.TcpListener _occupant = new(IPAddress.Loopback, 0);

    public DemoServerPortInUseTests() => _occupant.Start();

    private int Port => ((IPEndPoint)_occupant.LocalEndpoint).Port;

    public void Dispose() => _occupant.Dispose();

    [Fact]
    public async Task StartAsync_PortInUse_ThrowsIOException()
    {
        var exception = await Should.ThrowAsync<IOException>(() => DemoServer.StartAsync(new DemoServerOptions { Workers = 1, Port = Port }));

        exception.Message.ShouldContain(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RunAsync_PortInUse_ExplainsAndReturnsOne()
    {
        var error = new StringWriter();

        var exitCode = await DemoServer.RunAsync(new DemoServerOptions { Workers = 1, Port = Port }, new StringWriter(), error, CancellationToken.None);

        exitCode.ShouldBe(DemoServer.ExitFailed);
        error.ToString().ShouldContain("could not listen on 127.0.0.1:");
    }
}
