using Stampede.Tests.Targets;
using System.Collections;
using System.Text.Json;
using Spectre.Console.Testing;

namespace Stampede.Tests;

/// <summary>A target nothing listens on: the run stops within seconds, says why everywhere, and still writes every output.</summary>
public sealed class StampedeAppUnreachableTests : IDisposable
{
    private readonly string _outputs = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));
    private readonly TestConsole _console = new();
    private readonly StringWriter _errors = new();

    public void Dispose()
    {
        _errors.Dispose();
        _console.Dispose();
        if (Directory.Exists(_outputs))
        {
            Directory.Delete(_outputs, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_NothingListens_StopsEarlyWithTheCauseInEveryOutputAndExitsWithTheErrorCode()
    {
        int port = SlowStartTarget.FreePort();
        string json = Path.Combine(_outputs, "run.json");
        string html = Path.Combine(_outputs, "run.html");
        string csv = Path.Combine(_outputs, "run");

        int exit = await StampedeApp.RunAsync(
            ["--host", $"http://127.0.0.1:{port}", "-u", "2", "-r", "10", "-t", "60s", "--headless", "--json", json, "--html", html, "--csv", csv],
            [typeof(PollingUser)], _console, _errors, new Hashtable(), TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(45));

        string cause = $"nothing listens on 127.0.0.1:{port} — is the server up?";
        exit.ShouldBe(1, _errors + _console.Output);
        string output = _console.Output.Replace("\n", " ", StringComparison.Ordinal);
        output.ShouldContain($"Warning: Target unreachable: {cause}");
        output.ShouldContain("Run ended because the target was unreachable");

        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        JsonElement root = document.RootElement;
        root.GetProperty("run").GetProperty("stopReason").GetString().ShouldBe("targetUnreachable");
        root.GetProperty("run").GetProperty("durationSeconds").GetDouble().ShouldBeLessThan(30);
        JsonElement warning = root.GetProperty("warnings").EnumerateArray().ShouldHaveSingleItem();
        warning.GetProperty("kind").GetString().ShouldBe("targetUnreachable");
        warning.GetProperty("message").GetString()!.ShouldContain(cause);
        root.GetProperty("validity").GetProperty("verdict").GetString().ShouldBe("INVALID");

        string page = await File.ReadAllTextAsync(html);
        page.ShouldContain("Run ended because the target was unreachable");
        page.ShouldContain("id=\"run-warnings\"");
        page.ShouldContain(cause);
        File.Exists(csv + "_stats.csv").ShouldBeTrue();
    }

    [Fact]
    public async Task RunAsync_KeepGoing_RunsItsRunTime()
    {
        int port = SlowStartTarget.FreePort();
        string json = Path.Combine(_outputs, "keep.json");

        int exit = await StampedeApp.RunAsync(
            ["--host", $"http://127.0.0.1:{port}", "-u", "1", "-t", "4s", "--headless", "--keep-going", "--json", json],
            [typeof(PollingUser)], _console, _errors, new Hashtable(), TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(45));

        exit.ShouldBe(1);
        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        document.RootElement.GetProperty("run").GetProperty("stopReason").GetString().ShouldBe("runTimeElapsed");
        document.RootElement.GetProperty("warnings").EnumerateArray().ShouldHaveSingleItem();
    }


    internal sealed class PollingUser : HttpUser
    {
        public override WaitTime WaitTime => WaitTime.Constant(0.05);

        [Task]
        public Task Get() => Client.GetAsync("/ok");
    }
}
