using System.CommandLine;
using Stampede.Cli;
using Stampede.Tool.Commands;

namespace Stampede.Tool;

/// <summary>The <c>stampede</c> command: the demo, the demo server alone, reports re-rendered from run documents, runs compared.</summary>
internal static class StampedeTool
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Stampede: load tests for machine-learning inference APIs.")
        {
            DemoCommand.Create(),
            ServeDemoCommand.Create(),
            ReportCommand.Create(),
            CompareCommand.Create(),
        };

        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (string message in UnknownOptions.Messages(result))
            {
                await Console.Error.WriteLineAsync($"error: {message}");
            }

            await Console.Error.WriteLineAsync("Run `stampede --help` (or `stampede COMMAND --help`) to see the commands and their flags.");
            return 2;
        }

        return await result.InvokeAsync();
    }
}
