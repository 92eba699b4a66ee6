using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Stampede.Cli;

/// <summary>
/// The name a scenario's help shows in its usage line. A <see cref="RootCommand"/> is named after the executable, so
/// a scenario run in-process by <c>stampede run mine.cs</c> would read <c>Usage: Stampede.Tool [options]</c>; the
/// tool sets <see cref="AppContextKey"/> to the command the user typed and the help says that instead.
/// </summary>
internal static class UsageName
{
    /// <summary>The <see cref="AppContext"/> data the running host sets: the command line that starts this scenario, e.g. <c>stampede run mine.cs</c>.</summary>
    public const string AppContextKey = "Stampede.UsageName";

    /// <summary>The name set by the host, or <see langword="null"/> when the scenario runs as its own executable.</summary>
    public static string? FromHost() => AppContext.GetData(AppContextKey) is string { Length: > 0 } name ? name : null;

    /// <summary>Makes every help option of <paramref name="root"/> write <paramref name="name"/> where the usage names the executable.</summary>
    public static void Apply(RootCommand root, string name)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        foreach (HelpOption help in root.Options.OfType<HelpOption>())
        {
            help.Action = new RenamingHelpAction(help.Action, root.Name, name);
        }
    }

    /// <summary>The usage lines of <paramref name="help"/> with the command <paramref name="executable"/> written as <paramref name="name"/>.</summary>
    internal static string Rename(string help, string executable, string name)
    {
        ArgumentNullException.ThrowIfNull(help);
        string[] lines = help.Split('\n');
        bool inUsage = false;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line == "Usage:")
            {
                inUsage = true;
                continue;
            }

            if (inUsage && line.Length == 0)
            {
                break;
            }

            string indent = line[..(line.Length - line.TrimStart().Length)];
            string rest = line.TrimStart();
            if (inUsage && (rest == executable || rest.StartsWith(executable + " ", StringComparison.Ordinal)))
            {
                lines[i] = indent + name + rest[executable.Length..] + (lines[i].EndsWith('\r') ? "\r" : string.Empty);
            }
        }

        return string.Join('\n', lines);
    }

    /// <summary>The parser's own help, written to a buffer and passed on with the usage renamed.</summary>
    private sealed class RenamingHelpAction(CommandLineAction? inner, string executable, string name) : SynchronousCommandLineAction
    {
        private readonly SynchronousCommandLineAction _inner = inner as SynchronousCommandLineAction ?? new HelpAction();

        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            TextWriter output = parseResult.InvocationConfiguration.Output;
            using var buffer = new StringWriter();
            parseResult.InvocationConfiguration.Output = buffer;
            int code;
            try
            {
                code = _inner.Invoke(parseResult);
            }
            finally
            {
                parseResult.InvocationConfiguration.Output = output;
            }

            output.Write(Rename(buffer.ToString(), executable, name));
            return code;
        }
    }
}
