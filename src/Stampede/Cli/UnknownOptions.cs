using System.CommandLine;
using System.CommandLine.Parsing;

namespace Stampede.Cli;

/// <summary>
/// Turns a parse's errors into the messages a user reads: an unknown flag and the value after it (<c>--user 5</c>)
/// become one error, <c>unknown option --user; did you mean --users?</c>, instead of one per token; every other
/// error is kept as the parser wrote it. Shared by the scenario app's command line and the <c>stampede</c> tool.
/// </summary>
internal static class UnknownOptions
{
    /// <summary>The errors of <paramref name="result"/>, in order, with each unknown option and its value as one message.</summary>
    public static IReadOnlyList<string> Messages(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        IReadOnlyList<string> known = KnownNames(result.CommandResult);
        var groups = Group(result.UnmatchedTokens, known);
        var messages = new List<string>();
        foreach (ParseError error in result.Errors)
        {
            UnknownGroup? group = error.SymbolResult is null or CommandResult
                ? groups.FirstOrDefault(g => g.Unclaimed.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal)))
                : null;
            if (group is null)
            {
                messages.Add(error.Message);
                continue;
            }

            group.Unclaimed.Remove(group.Unclaimed.First(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal)));
            if (!group.Reported)
            {
                group.Reported = true;
                messages.Add(group.Message);
            }
        }

        // A parser whose messages do not quote the token (another language) still gets the suggestion.
        messages.AddRange(groups.Where(g => !g.Reported).Select(g => g.Message));
        return messages;
    }

    /// <summary>
    /// The known name nearest to <paramref name="typed"/>: the same name in another case or with one dash, a name it
    /// begins, or one a few edits away (a missing, extra, wrong or swapped letter); <see langword="null"/> when none is close.
    /// </summary>
    public static string? Suggest(string typed, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(known);
        string bare = typed.TrimStart('-').ToLowerInvariant();
        if (bare.Length < 2)
        {
            return null;
        }

        int limit = bare.Length <= 4 ? 1 : bare.Length <= 8 ? 2 : 3;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string name in known)
        {
            string candidate = name.TrimStart('-').ToLowerInvariant();
            if (candidate.Length < 2)
            {
                continue;
            }

            int distance = candidate == bare ? 0
                : bare.Length >= 3 && candidate.StartsWith(bare, StringComparison.Ordinal) ? 1
                : Distance(bare, candidate);
            if (distance <= limit && distance < bestDistance)
            {
                best = name;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static List<UnknownGroup> Group(IReadOnlyList<string> unmatched, IReadOnlyList<string> known)
    {
        var groups = new List<UnknownGroup>();
        for (int i = 0; i < unmatched.Count; i++)
        {
            string token = unmatched[i];
            if (!IsOptionLike(token))
            {
                continue;
            }

            var group = new UnknownGroup { Unclaimed = [token] };
            int equals = token.IndexOf('=', StringComparison.Ordinal);
            string name = equals > 0 ? token[..equals] : token;
            if (equals < 0 && i + 1 < unmatched.Count && !IsOptionLike(unmatched[i + 1]))
            {
                // The value the unknown option was given: not a second error.
                group.Unclaimed.Add(unmatched[++i]);
            }

            string? suggestion = Suggest(name, known);
            group.Message = suggestion is null ? $"unknown option {name}" : $"unknown option {name}; did you mean {suggestion}?";
            groups.Add(group);
        }

        return groups;
    }

    /// <summary>The option names and aliases a user may type at <paramref name="command"/>: its own and its parents' recursive ones.</summary>
    private static List<string> KnownNames(CommandResult command)
    {
        var names = new List<string>();
        bool own = true;
        for (SymbolResult? at = command; at is not null; at = at.Parent)
        {
            if (at is CommandResult { Command: { } c })
            {
                foreach (Option option in c.Options.Where(o => !o.Hidden && (own || o.Recursive)))
                {
                    names.Add(option.Name);
                    names.AddRange(option.Aliases);
                }

                own = false;
            }
        }

        return names;
    }

    private static bool IsOptionLike(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private sealed class UnknownGroup
    {
        public required List<string> Unclaimed { get; init; }

        public string Message { get; set; } = string.Empty;

        public bool Reported { get; set; }
    }
}
