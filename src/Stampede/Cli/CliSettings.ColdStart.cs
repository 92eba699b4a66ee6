namespace Stampede.Cli;

/// <summary>The server Stampede starts itself and the cold-start measurement.</summary>
internal sealed partial record CliSettings
{
    /// <summary><c>--target-command CMD</c>: the shell command that starts the system under test; <see langword="null"/> when it runs already.</summary>
    public string? TargetCommand { get; init; }

    /// <summary><c>--target-ready URL</c>: answers 2xx once the started server serves.</summary>
    public Uri? TargetReady { get; init; }

    /// <summary><c>--target-ready-timeout</c>: how long the server may take to become ready.</summary>
    public TimeSpan TargetReadyTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary><c>--cold-starts N</c>: how many times the server is started and its first requests measured.</summary>
    public int ColdStarts { get; init; } = 1;

    /// <summary><c>--warmup T</c>: the first part of the run kept out of the steady-state analyses.</summary>
    public TimeSpan Warmup { get; init; }
}
