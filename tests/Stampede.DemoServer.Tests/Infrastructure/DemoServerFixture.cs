namespace Stampede.Demo.Tests.Infrastructure;

/// <summary>
/// One demo server on 127.0.0.1 (free port), ready before the first test, shared by the classes of
/// <see cref="DemoServerCollection"/>: loading the model once keeps the suite short.
/// </summary>
public sealed class DemoServerFixture : IAsyncLifetime
{
    /// <summary>The body limit of the shared server (bytes): small, so that 413 needs only a few MiB.</summary>
    public const long MaxBodyBytes = 4L * 1024 * 1024;

    public DemoServer Server { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await DemoServer.StartAsync(new DemoServerOptions
        {
            Host = "127.0.0.1",
            Port = 0,
            GrpcPort = 0,
            Workers = 2,
            MaxQueue = 64,
            MaxBodyBytes = MaxBodyBytes,
        });
        Client = new HttpClient { BaseAddress = new Uri(Server.Address), Timeout = TimeSpan.FromSeconds(60) };
        await Server.Ready.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DemoServerCollection : ICollectionFixture<DemoServerFixture>
{
    public const string Name = "demo server";
}
