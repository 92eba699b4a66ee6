using System.Diagnostics;
using Stampede.Tool.Commands;

namespace Stampede.Tool.Tests.Infrastructure;

/// <summary>The outcome of one <c>stampede</c> process.</summary>
public sealed record ToolOutcome(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Errors}";
}

/// <summary>
/// Runs this build of the tool as its own process (<c>dotnet Stampede.Tool.dll …</c>, as <c>stampede demo</c> starts
/// serve-demo), in a folder of the test's choosing: what a user with only the tool installed runs.
/// </summary>
public static class ToolProcess
{
    public static async Task<ToolOutcome> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        (string fileName, IReadOnlyList<string> prefix) = DemoCommand.ToolCommand();
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in prefix.Concat(args))
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"stampede {string.Join(' ', args)} did not end within 3 minutes.");
        }

        return new ToolOutcome(process.ExitCode, await output, await errors);
    }
}
