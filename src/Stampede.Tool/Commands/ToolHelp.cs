using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text.RegularExpressions;

namespace Stampede.Tool.Commands;

/// <summary>
/// Help with the tool's own name, usage first: <c>Usage: stampede demo [options]</c>. A <see cref="RootCommand"/> is named
/// after the executable, which for a .NET tool is the assembly (<c>Stampede.Tool</c>), and its name cannot be set; the
/// tool's root is a plain command named <c>stampede</c> with the help and version options added here.
/// </summary>
internal static partial class ToolHelp
{
    /// <summary>The command a user types.</summary>
    public const string ToolName = "stampede";

    /// <summary>Adds <c>--help</c> (for the root and every command below it) and <c>--version</c> to <paramref name="root"/>.</summary>
    public static void Apply(Command root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Options.Add(new HelpOption { Action = new OneLineUsageHelpAction() });
        root.Options.Add(new VersionOption());
    }

    /// <summary>The parser's help text with its usage section (<c>Usage:</c>, the usage indented below it) on one line, first.</summary>
    internal static string OneLineUsage(string help)
    {
        ArgumentNullException.ThrowIfNull(help);
        Match usage = UsageSection().Match(help);
        if (!usage.Success)
        {
            return help;
        }

        string rest = (help[..usage.Index] + help[(usage.Index + usage.Length)..]).TrimStart('\r', '\n');
        return $"Usage: {usage.Groups["usage"].Value.Trim()}{Environment.NewLine}{Environment.NewLine}{rest}";
    }

    [GeneratedRegex(@"^Usage:\r?\n[ \t]+(?<usage>[^\r\n]+)\r?\n(?:\r?\n)?", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex UsageSection();

    /// <summary>The parser's own help (its layout and wrapping), written to a buffer and passed on with the usage moved up.</summary>
    private sealed class OneLineUsageHelpAction : SynchronousCommandLineAction
    {
        private readonly HelpAction _help = new();

        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            TextWriter output = parseResult.InvocationConfiguration.Output;
            using var buffer = new StringWriter();
            parseResult.InvocationConfiguration.Output = buffer;
            try
            {
                _help.Invoke(parseResult);
            }
            finally
            {
                parseResult.InvocationConfiguration.Output = output;
            }

            output.Write(OneLineUsage(buffer.ToString()));
            return 0;
        }
    }
}
