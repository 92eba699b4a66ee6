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

    /// <summary>The server's KServe v2 gRPC address (<c>--grpc-port 0</c>), as it printed it.</summary>
    public string GrpcAddress { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        (string fileName, IReadOnlyList<string> prefix) = DemoCommand.ToolCommand();
        _server = await ChildServer.StartAsync(
            new ChildServerOptions
            {
                FileName = fileName,
                Arguments = [.. prefix, "serve-demo", "--bind", "127.0.0.1", "--port", "0", "--grpc-port", "0", "--workers", "1", "--llm", ServeDemoCommand.StopWhenStdinClosesFlag],
                LogPath = _folder.File(DemoCommand.ServerLogFile),
                ReadyPath = DemoCommand.ReadyPath,
            },
            CancellationToken.None);

        // The endpoint list follows the readiness line in the log; the gRPC line carries its free port.
        string log = _folder.File(DemoCommand.ServerLogFile);
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (GrpcAddress.Length == 0)
        {
            string text;
            using (var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
            {
                text = await reader.ReadToEndAsync();
            }

            System.Text.RegularExpressions.Match match = System.Text.RegularExpressions.Regex.Match(text, @"gRPC (http://\S+)");
            if (match.Success)
            {
                GrpcAddress = match.Groups[1].Value;
            }
            else if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"serve-demo printed no gRPC address: {text}");
            }
            else
            {
                await Task.Delay(100);
            }
        }
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
