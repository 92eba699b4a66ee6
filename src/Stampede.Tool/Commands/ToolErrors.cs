using System.CommandLine;
using System.CommandLine.Parsing;
using Stampede.Cli;

namespace Stampede.Tool.Commands;

/// <summary>
/// The messages of a failed parse of the <c>stampede</c> command line, each naming what was wrong and what is valid:
/// an unknown command lists the commands (or the one meant) instead of the parser's two generic errors, and a missing
/// argument says which one and what it is; everything else is <see cref="UnknownOptions.Messages"/>.
/// </summary>
internal static class ToolErrors
{
    public static IReadOnlyList<string> Messages(ParseResult result)
    {
        Command command = result.CommandResult.Command;
        if (!command.Parents.Any())
        {
            string[] commands = [.. command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)];
            if (UnknownCommand(result) is { } typed)
            {
                return [UnknownOptions.Suggest(typed, commands) is { } meant
                    ? $"unknown command {typed}; did you mean {meant}?"
                    : $"unknown command {typed}; give one of {string.Join(", ", commands)}."];
            }

            // Only flags, none of them known: the parser adds "Required command was not provided.", which lists nothing.
            HashSet<string> noCommand = [.. result.Errors
                .Where(e => e.SymbolResult == result.CommandResult && !result.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal)))
                .Select(e => e.Message)];
            return [
                .. UnknownOptions.Messages(result).Where(m => !noCommand.Contains(m)),
                .. noCommand.Count > 0 ? [$"no command given; give one of {string.Join(", ", commands)}."] : Array.Empty<string>(),
            ];
        }

        Argument[] missing = [.. command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0 && result.GetResult(a) is not ArgumentResult { Tokens.Count: > 0 })];
        if (missing.Length == 0)
        {
            return UnknownOptions.Messages(result);
        }

        // The parser's own message for a missing argument names the command only ("Required argument missing for command: 'report'.").
        HashSet<string> generic = [.. result.Errors
            .Where(e => e.SymbolResult is ArgumentResult { Tokens.Count: 0 } || (e.SymbolResult == result.CommandResult && e.Message.Contains($"'{command.Name}'", StringComparison.Ordinal)))
            .Select(e => e.Message)];
        return [
            .. missing.Select(a => $"{command.Name}: no {a.Name} given; give {Lower(a.Description ?? a.Name)}"),
            .. UnknownOptions.Messages(result).Where(m => !generic.Contains(m)),
        ];
    }

    /// <summary>The first token of a command line that names no command (<c>stampede frobnicate</c>), if any.</summary>
    private static string? UnknownCommand(ParseResult result) =>
        result.Tokens.FirstOrDefault() is { Type: TokenType.Argument } first && !first.Value.StartsWith('-') ? first.Value : null;

    private static string Lower(string description) =>
        description.Length > 1 && char.IsUpper(description[0]) && !char.IsUpper(description[1])
            ? char.ToLowerInvariant(description[0]) + description[1..]
            : description;
}
