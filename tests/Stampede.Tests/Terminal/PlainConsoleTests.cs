using System.Collections;
using Spectre.Console;
using Stampede.Terminal;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Tests.Terminal;

/// <summary>Output redirected to a file or a CI log: plain, one line per sentence, tables at their natural width.</summary>
public sealed class PlainConsoleTests
{
    [Fact]
    public async Task RunAsync_RedirectedOutput_PlainLinesAndTablesAtTheirNaturalWidth()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        using var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });

        int exit = await StampedeApp.RunAsync(
            ["--host", server.Address, "-u", "1", "-t", "3s", "--headless"],
            [typeof(PlainConsoleUser)], console, TextWriter.Null, new Hashtable(), TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        exit.ShouldBe(0, output.ToString());
        string text = output.ToString();
        string[] lines = text.Split('\n');
        text.ShouldNotContain("\u001b", customMessage: "no ANSI escape codes in redirected output");
        lines.ShouldContain($"Stampede {StampedeApp.Version}: 1 users at 1/s (PlainConsoleUser) against {server.Address} for 00:00:03.", "the intro is one line, not folded at 80 columns");
        lines.ShouldContain(l => l.StartsWith("Run ended because the run time elapsed", StringComparison.Ordinal) && l.EndsWith("Exit code 0.", StringComparison.Ordinal));

        int title = Array.FindIndex(lines, l => l.Contains("Stampede · 00:00:0", StringComparison.Ordinal));
        title.ShouldBeGreaterThanOrEqualTo(0, text);
        string[] live = [.. lines.Skip(title).TakeWhile(l => !l.StartsWith("Requests", StringComparison.Ordinal) && !l.TrimStart().StartsWith("Requests", StringComparison.Ordinal)).Take(8)];
        live.ShouldContain(l => l.Contains("Aggregated", StringComparison.Ordinal));
        live.ShouldAllBe(l => l.Length <= 100, "the live table keeps its natural width instead of being padded to a guessed one:\n" + string.Join('\n', live));
    }

    [Fact]
    public void Adapt_Terminal_LeftAsItIs()
    {
        using var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Yes, Interactive = InteractionSupport.Yes });
        console.Profile.Width = 120;

        PlainConsole.Adapt(console).ShouldBeFalse();

        console.Profile.Width.ShouldBe(120);
        console.Profile.Capabilities.Ansi.ShouldBeTrue();
    }

    internal sealed class PlainConsoleUser : HttpUser
    {
        public override WaitTime WaitTime => WaitTime.Constant(0.2);

        [Task]
        public Task Ok() => Client.GetAsync("/ok");
    }
}
