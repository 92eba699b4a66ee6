using Stampede.Tool.Commands;

namespace Stampede.Tool.Tests.Infrastructure;

/// <summary>
/// One <c>stampede serve-demo --llm</c> of this build (the image model and the LLM simulator), as its own process on
/// 127.0.0.1 and a free port, ready (model loaded)
/// before the first test of <see cref="ServeDemoCollection"/> and stopped after the last: loading the model once keeps
/// the end-to-end runs of the starter files short.
/// </summary>
public sealed class ServeDemoFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new("serve-demo");
    private ChildServer? _server;

    /// <summary>The server's base URL, e.g. <c>http://127.0.0.1:43123</c>.</summary>
    public string Address => _server?.Address ?? throw new InvalidOperationException("The demo server has not started.");

    public async Task InitializeAsync()
    {
        (string fileName, IReadOnlyList<string> prefix) = DemoCommand.ToolCommand();
        _server = await ChildServer.StartAsync(
            new ChildServerOptions
            {
                FileName = fileName,
                Arguments = [.. prefix, "serve-demo", "--bind", "127.0.0.1", "--port", "0", "--workers", "1", "--llm", ServeDemoCommand.StopWhenStdinClosesFlag],
                LogPath = _folder.File(DemoCommand.ServerLogFile),
                ReadyPath = DemoCommand.ReadyPath,
            },
            CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _folder.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ServeDemoCollection : ICollectionFixture<ServeDemoFixture>
{
    public const string Name = "serve-demo";
}
