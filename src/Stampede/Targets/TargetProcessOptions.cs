namespace Stampede.Targets;

/// <summary>How <see cref="TargetProcess"/> starts the system under test, waits for it, logs it and stops it.</summary>
internal sealed class TargetProcessOptions
{
    /// <summary>The shell command (<c>/bin/sh -c</c>), as a user types it: <c>python serve.py --port 8080</c>.</summary>
    public required string Command { get; init; }

    /// <summary>The URL that answers 2xx once the server serves.</summary>
    public required Uri ReadyUrl { get; init; }

    /// <summary>The file that receives everything the process group writes on standard output and standard error.</summary>
    public required string LogPath { get; init; }

    /// <summary>Whether to append to <see cref="LogPath"/> (a later start of the same run) rather than replace it.</summary>
    /// <value><see langword="false"/>.</value>
    public bool AppendLog { get; init; }

    /// <summary>A line written to the log before the server's own output, e.g. which start of several this is; <see langword="null"/> for none.</summary>
    public string? LogHeader { get; init; }

    /// <summary>How long the server may take from its spawn to a 2xx answer of <see cref="ReadyUrl"/>.</summary>
    /// <value>120 s (Playwright's <c>webServer.timeout</c> is 60 s; a model server that loads weights needs more).</value>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How often <see cref="ReadyUrl"/> is polled.</summary>
    /// <value>20 ms: the ready time is read at most this late (plus one probe's round trip).</value>
    public TimeSpan ReadyPollInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long the process group gets to exit after SIGTERM before it is sent SIGKILL.</summary>
    /// <value>5 s: Kubernetes' default grace is 30 s, but a load test should not wait that long for a local server.</value>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Lines of output kept for the message when the server fails to start.</summary>
    /// <value>20.</value>
    public int OutputTailLines { get; init; } = 20;
}
