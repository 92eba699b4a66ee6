namespace Stampede.Reports;

/// <summary>When and how a run ran.</summary>
internal sealed record RunDocumentRun
{
    /// <summary>Wall-clock start (the first user was spawned).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Wall-clock end.</summary>
    public required DateTimeOffset EndedAt { get; init; }

    /// <summary>Length of the run, seconds, on the run's monotonic clock.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>Why it ended, camelCase: <c>runTimeElapsed</c>, <c>shapeFinished</c>, <c>interrupted</c>, <c>allUsersStopped</c>.</summary>
    public required string StopReason { get; init; }

    /// <summary>The seed of every random choice.</summary>
    public required int Seed { get; init; }

    /// <summary>The process exit code the run ended with.</summary>
    public required int ExitCode { get; init; }

    /// <summary>Whether the document was rebuilt from the run's journal after the generator was stopped before writing its outputs (killed, out of memory, crashed); absent when not.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Interrupted { get; init; }

    /// <summary>The settings as given.</summary>
    public required RunDocumentSettings Settings { get; init; }

    /// <summary>The user classes that ran.</summary>
    public required IReadOnlyList<RunDocumentUserClass> UserClasses { get; init; }
}

/// <summary>A run's settings; see <see cref="RunSettingsSummary"/>.</summary>
internal sealed record RunDocumentSettings
{
    /// <summary>Base URL, or null when every class set its own.</summary>
    public string? Host { get; init; }

    /// <summary>Peak users.</summary>
    public required int Users { get; init; }

    /// <summary>Users started per second.</summary>
    public required double SpawnRate { get; init; }

    /// <summary>Run time limit, seconds, or null for none.</summary>
    public double? RunTimeSeconds { get; init; }

    /// <summary>Stop timeout, seconds.</summary>
    public required double StopTimeoutSeconds { get; init; }

    /// <summary>Per-request timeout, seconds.</summary>
    public required double RequestTimeoutSeconds { get; init; }

    /// <summary>The load shape's class name, or null.</summary>
    public string? Shape { get; init; }

    /// <summary>Included tags.</summary>
    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>Excluded tags.</summary>
    public required IReadOnlyList<string> ExcludeTags { get; init; }

    /// <summary><c>1.1</c> or <c>2.0</c>.</summary>
    public required string HttpVersion { get; init; }

    /// <summary>Whether users shared one connection pool.</summary>
    public required bool SharedConnections { get; init; }

    /// <summary>Whether TLS certificates went unchecked (<c>--insecure</c>); absent from documents written before it existed.</summary>
    public bool Insecure { get; init; }

    /// <summary>How much of the per-second history stayed in memory (<c>--history-in-memory</c>), seconds; 0 for all of it; null in documents written before it existed.</summary>
    public double? HistoryInMemorySeconds { get; init; }

    /// <summary>The command-line arguments as given.</summary>
    public required IReadOnlyList<string> Arguments { get; init; }

    /// <summary>Open model: the steady rate (<c>--rate</c>), iterations/s; null in a closed-model run.</summary>
    public double? Rate { get; init; }

    /// <summary>Open model: rate stages as <c>DURATION:RATE</c> with the duration in seconds.</summary>
    public IReadOnlyList<string>? RateStages { get; init; }

    /// <summary>Open model: <c>constant</c> or <c>poisson</c>.</summary>
    public string? Arrivals { get; init; }

    /// <summary>Open model: Gamma shape of Poisson gaps.</summary>
    public double? Burstiness { get; init; }

    /// <summary>Open model: most concurrent iterations.</summary>
    public int? MaxUsers { get; init; }

    /// <summary>Open model: users started before the first arrival.</summary>
    public int? PreAllocatedUsers { get; init; }

    /// <summary>Open model: arrivals allowed to wait for a free user.</summary>
    public int? Backlog { get; init; }

    /// <summary>The minimum duration for a valid run, seconds.</summary>
    public double? MinDurationSeconds { get; init; }
}

/// <summary>A user class as it ran.</summary>
internal sealed record RunDocumentUserClass
{
    /// <summary>Class name.</summary>
    public required string Name { get; init; }

    /// <summary>Class weight.</summary>
    public required int Weight { get; init; }

    /// <summary>Fixed user count, 0 when weighted.</summary>
    public required int FixedCount { get; init; }

    /// <summary>Its tasks after tag filtering.</summary>
    public required IReadOnlyList<RunDocumentTask> Tasks { get; init; }
}

/// <summary>A task as it ran.</summary>
internal sealed record RunDocumentTask
{
    /// <summary>Class and method name.</summary>
    public required string Name { get; init; }

    /// <summary>Task weight.</summary>
    public required int Weight { get; init; }

    /// <summary>Its tags.</summary>
    public required IReadOnlyList<string> Tags { get; init; }
}
