using System.CommandLine;
using Stampede.Cli;
using Stampede.Tool.Commands;

namespace Stampede.Tool;

/// <summary>The <c>stampede</c> command: run a scenario file, write a starter one, the demo, the demo server alone, reports re-rendered from run documents, runs compared, an LLM server benchmarked.</summary>
internal static class StampedeTool
{
    public static async Task<int> RunAsync(string[] args)
    {
        // `stampede run FILE flags…` hands every flag after FILE to the scenario, so the parser never sees them.
        if (RunCommand.TrySplit(args) is { } run)
        {
            return await RunCommand.RunAsync(run, Console.Error, CancellationToken.None);
        }

        // `stampede llm …` reads its own flags and hands every other one to the run it starts.
        if (LlmCommand.TrySplit(args) is { } llm)
        {
            return llm.Settings is { } settings
                ? await LlmCommand.RunAsync(settings, Spectre.Console.AnsiConsole.Console, Console.Error, Environment.GetEnvironmentVariables(), CancellationToken.None)
                : await StampedeApp.UsageErrorAsync(Console.Error, [$"llm: {llm.Error}"]);
        }

        ParseResult result = CreateRoot().Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (string message in ToolErrors.Messages(result))
            {
                await Console.Error.WriteLineAsync($"error: {message}");
            }

            await Console.Error.WriteLineAsync("Run `stampede --help` (or `stampede COMMAND --help`) to see the commands and their flags.");
            return 2;
        }

        return await result.InvokeAsync();
    }

    /// <summary>The root command, named <c>stampede</c> whatever the executable is called (see <see cref="ToolHelp"/>).</summary>
    internal static Command CreateRoot()
    {
        var root = new Command(ToolHelp.ToolName, "Stampede: load tests for machine-learning inference APIs.")
        {
            RunCommand.Create(),
            NewCommand.Create(),
            DemoCommand.Create(),
            ServeDemoCommand.Create(),
            ReportCommand.Create(),
            CompareCommand.Create(),
            LlmCommand.Create(),
        };
        ToolHelp.Apply(root);
        return root;
    }
}
