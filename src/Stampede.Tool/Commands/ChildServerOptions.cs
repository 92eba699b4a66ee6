using System.Text.RegularExpressions;

namespace Stampede.Tool.Commands;

/// <summary>How <see cref="ChildServer"/> starts a server process, learns its address, waits for it and stops it.</summary>
internal sealed partial class ChildServerOptions
{
    /// <summary>The executable: a path, or a name looked up on PATH.</summary>
    public required string FileName { get; init; }

    /// <summary>The arguments, each passed as one argument (no shell quoting).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>
    /// Matches the line of standard output that says where the server listens; its <c>address</c> group (or, when it has
    /// none, the whole match) is the base URL.
    /// </summary>
    /// <value>By default the first <c>listening on http://…</c> on a line, as <c>stampede serve-demo</c> prints it.</value>
    public Regex AddressPattern { get; init; } = DefaultAddressPattern();

    /// <summary>The file that receives everything the process writes on standard output and standard error.</summary>
    /// <value>Required: a server started for a run must leave its log beside the run's outputs.</value>
    public required string LogPath { get; init; }

    /// <summary>A path on the server that answers 2xx once it serves, polled after the address line; null = the address line is enough.</summary>
    /// <value>For example <c>/v2/health/ready</c>.</value>
    public string? ReadyPath { get; init; }

    /// <summary>How often <see cref="ReadyPath"/> is polled.</summary>
    /// <value>50 ms.</value>
    public TimeSpan ReadyPollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long the server may take from its start to being ready (address line and <see cref="ReadyPath"/> both).</summary>
    /// <value>120 s: ResNet-18's load and warm-up take about 2 s on a free core, far longer on a loaded CI machine.</value>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long the server gets to exit after SIGTERM before its whole process tree is killed.</summary>
    /// <value>5 s: the demo server's own grace for requests in progress.</value>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Lines of output kept for the message when the server fails to start.</summary>
    /// <value>20.</value>
    public int OutputTailLines { get; init; } = 20;

    /// <summary>The command line as a user would type it, for messages.</summary>
    public string CommandLine => string.Join(' ', new[] { FileName }.Concat(Arguments).Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));

    [GeneratedRegex(@"listening on (?<address>https?://\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultAddressPattern();
}
