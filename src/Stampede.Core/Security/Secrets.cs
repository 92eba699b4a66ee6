using System.Collections;
using System.Text.RegularExpressions;

namespace Stampede.Security;

/// <summary>
/// Keeps credentials out of everything a run writes: the console, the CSVs, the JSON and HTML reports, JUnit, the
/// dashboard, failure messages, exception texts and the recorded command line. Reports get attached to CI runs and
/// pasted into tickets, so a secret must not reach one even when a scenario puts it in a URL.
/// </summary>
/// <remarks>
/// Two kinds of rule apply. By <em>context</em>: credentials in a URL (<c>user:pass@</c>), query parameters, flags,
/// header lines and JSON fields whose name reads like a secret (<c>token</c>, <c>key</c>, <c>api_key</c>,
/// <c>signature</c>, <c>password</c>, <c>Authorization</c>, <c>Cookie</c> …), and <c>Bearer</c> tokens. By
/// <em>value</em>: every string given to <see cref="Add"/>, wherever it appears — the run adds environment variables
/// named like secrets, an LLM client's API key and the values of a user's secret default headers. Redaction runs once
/// per distinct row name or failure reason, never per request.
/// </remarks>
public static partial class Secrets
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    /// <summary>Shorter values are not taken as secrets: replacing them everywhere would garble the outputs.</summary>
    private const int MinimumLength = 4;

    /// <summary>Values from the environment must be longer: <c>FOO_KEY=1</c> or <c>true</c> is a setting, not a secret.</summary>
    private const int MinimumEnvironmentLength = 8;

    /// <summary>At most this many values are kept (a scenario that logs each user in has one token per user); past it, the context rules still apply.</summary>
    private const int MaximumValues = 256;

    private static readonly string[] s_exactNames = ["sig", "pass", "session", "sessionid"];

    /// <summary>Environment variables whose names read like secrets but hold none: the shell's working directories (PWD would hide every output path).</summary>
    private static readonly string[] s_notSecretVariables = ["PWD", "OLDPWD"];
    private static readonly string[] s_suffixes = ["key", "token", "secret", "signature", "password", "passwd", "pwd", "auth", "authorization", "credential", "credentials", "cookie"];
    private static readonly Lock s_lock = new();
    private static volatile string[] s_values = [];

    /// <summary>Hides <paramref name="value"/> in every output of every run in this process from now on.</summary>
    /// <param name="value">A token, password or key the scenario uses; values under 4 characters are ignored.</param>
    public static void Add(string? value)
    {
        if (value is null || value.Trim().Length < MinimumLength)
        {
            return;
        }

        lock (s_lock)
        {
            string[] values = s_values;
            if (values.Length >= MaximumValues || Array.IndexOf(values, value) >= 0)
            {
                return;
            }

            // Longest first, so a value that contains another is replaced whole.
            s_values = [.. values.Append(value).OrderByDescending(v => v.Length)];
        }
    }

    /// <summary>Whether a header, query parameter, flag or field named <paramref name="name"/> holds a secret.</summary>
    public static bool IsSensitiveName(ReadOnlySpan<char> name)
    {
        Span<char> normal = stackalloc char[Math.Min(name.Length, 128)];
        int length = 0;
        foreach (char c in name)
        {
            if (c is '-' or '_' or '.' || length == normal.Length)
            {
                continue;
            }

            normal[length++] = char.ToLowerInvariant(c);
        }

        ReadOnlySpan<char> normalised = normal[..length];
        foreach (string exact in s_exactNames)
        {
            if (normalised.SequenceEqual(exact))
            {
                return true;
            }
        }

        foreach (string suffix in s_suffixes)
        {
            if (normalised.EndsWith(suffix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><paramref name="text"/> with every secret it holds replaced by <see cref="Mask"/>; the same instance when it holds none.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return text;
        }

        string redacted = text;
        foreach (string value in s_values)
        {
            redacted = redacted.Replace(value, Mask, StringComparison.Ordinal);
        }

        redacted = UserInfo().Replace(redacted, "${scheme}" + Mask + "@");
        redacted = HeaderLine().Replace(redacted, static m => IsSensitiveName(m.Groups["name"].ValueSpan) ? m.Groups["head"].Value + Mask : m.Value);
        redacted = JsonField().Replace(redacted, static m => IsSensitiveName(m.Groups["name"].ValueSpan) ? m.Groups["head"].Value + Mask + "\"" : m.Value);
        redacted = Flag().Replace(redacted, static m => IsSensitiveName(m.Groups["name"].ValueSpan) ? m.Groups["head"].Value + Mask : m.Value);
        redacted = Pair().Replace(redacted, static m => IsSensitiveName(m.Groups["name"].ValueSpan) ? m.Groups["head"].Value + Mask : m.Value);
        redacted = BearerToken().Replace(redacted, "${scheme} " + Mask);
        return string.Equals(redacted, text, StringComparison.Ordinal) ? text : redacted;
    }

    /// <summary>A command line as it may be recorded: the value after a flag named like a secret (<c>--web-auth</c>, <c>--api-key</c>) hidden, and every argument redacted.</summary>
    public static IReadOnlyList<string> RedactArguments(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var redacted = new string[arguments.Count];
        for (int i = 0; i < arguments.Count; i++)
        {
            string argument = arguments[i];
            bool follows = i > 0 && arguments[i - 1] is ['-', ..] flag && !flag.Contains('=', StringComparison.Ordinal) && IsSensitiveName(flag.AsSpan().TrimStart('-'));
            redacted[i] = follows ? Mask : Redact(argument);
        }

        return redacted;
    }

    /// <summary>Adds the value of every variable in <paramref name="environment"/> named like a secret (<c>OPENAI_API_KEY</c>, <c>HF_TOKEN</c>) and at least 8 characters long.</summary>
    public static void AddFromEnvironment(IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && entry.Value is string { Length: >= MinimumEnvironmentLength } value && IsSensitiveName(name)
                && !s_notSecretVariables.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                Add(value);
            }
        }
    }

    /// <summary>Credentials between a URL's scheme and its host.</summary>
    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)[^/\s@?#""'<>]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    /// <summary>A header as written in a request dump or an error text (<c>Authorization: Bearer …</c>): its value runs to the end of the line.</summary>
    /// <remarks>Only names that read like secrets match, so that an earlier <c>Status: …</c> does not swallow the line.</remarks>
    [GeneratedRegex(@"(?<head>(?<![A-Za-z0-9_\-])(?<name>(?:[A-Za-z0-9_\-]*(?:authorization|cookie|key|token|secret|signature|password|passwd|pwd|auth|credentials?))|sig|pass|session|sessionid)[ \t]*:[ \t]*)(?=[^\s/""])[^\r\n]+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex HeaderLine();

    /// <summary>A JSON string field (<c>"api_key": "…"</c>).</summary>
    [GeneratedRegex(@"(?<head>""(?<name>[^""\\]{1,64})""\s*:\s*"")(?:[^""\\]|\\.)*""", RegexOptions.CultureInvariant)]
    private static partial Regex JsonField();

    /// <summary>A command-line flag and its value (<c>--api-key sk-…</c>, <c>--token=…</c>).</summary>
    [GeneratedRegex(@"(?<head>(?<![A-Za-z0-9_\-])--?(?<name>[A-Za-z][A-Za-z0-9_\-]*)(?:[ \t]+|=))(?:""[^""]*""|'[^']*'|[^\s""']+)", RegexOptions.CultureInvariant)]
    private static partial Regex Flag();

    /// <summary>A query parameter or form field (<c>token=…</c>), up to the next separator.</summary>
    [GeneratedRegex(@"(?<head>(?<![A-Za-z0-9_\-])(?<name>[A-Za-z][A-Za-z0-9_.\-]*)=)[^&\s""'<>;,#]+", RegexOptions.CultureInvariant)]
    private static partial Regex Pair();

    /// <summary>A bearer token on its own, as a server may echo it.</summary>
    [GeneratedRegex(@"\b(?<scheme>Bearer)\s+[A-Za-z0-9._~+/=\-]{8,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();
}
