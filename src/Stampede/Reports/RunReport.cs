using Stampede.Gates;
using Stampede.Load;

namespace Stampede.Reports;

/// <summary>Everything an output needs about a finished (or interrupted) run.</summary>
public sealed record RunReport
{
    /// <summary>The run's final statistics and how it ended.</summary>
    public required RunResult Result { get; init; }

    /// <summary>The settings the run used.</summary>
    public required RunSettingsSummary Settings { get; init; }

    /// <summary>The exit code the run ends with (0 ok, 1 request errors with --exit-code-on-error, 2 bad usage, 3 a failed threshold, SLO or baseline check).</summary>
    public required int ExitCode { get; init; }

    /// <summary>Stampede's version, e.g. <c>0.1.0</c>.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>The run's thresholds, SLO objectives and baseline comparison as judged at the end; empty when none were given.</summary>
    internal GateResults Gates { get; init; } = GateResults.None;
}

/// <summary>The settings of a run, as given (flags, environment or code).</summary>
public sealed record RunSettingsSummary
{
    /// <summary>Base URL, or <see langword="null"/> when every class set its own.</summary>
    public string? Host { get; init; }

    /// <summary>Peak users (ignored when a shape ran).</summary>
    public int Users { get; init; }

    /// <summary>Users started per second.</summary>
    public double SpawnRate { get; init; }

    /// <summary>Run time limit in seconds, or <see langword="null"/> for none.</summary>
    public double? RunTimeSeconds { get; init; }

    /// <summary>Stop timeout in seconds.</summary>
    public double StopTimeoutSeconds { get; init; }

    /// <summary>Per-request timeout in seconds.</summary>
    public double RequestTimeoutSeconds { get; init; }

    /// <summary>The load shape's class name, or <see langword="null"/> for constant users.</summary>
    public string? Shape { get; init; }

    /// <summary>Included tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Excluded tags.</summary>
    public IReadOnlyList<string> ExcludeTags { get; init; } = [];

    /// <summary>HTTP version requested, <c>1.1</c> or <c>2.0</c>.</summary>
    public string HttpVersion { get; init; } = "1.1";

    /// <summary>Whether users shared one connection pool.</summary>
    public bool SharedConnections { get; init; }

    /// <summary>Whether TLS certificates went unchecked (<c>--insecure</c>).</summary>
    public bool Insecure { get; init; }

    /// <summary>How much of the per-second history stayed in memory (<c>--history-in-memory</c>), seconds; 0 for all of it.</summary>
    public double HistoryInMemorySeconds { get; init; } = Load.LoadTestOptions.DefaultHistoryInMemory.TotalSeconds;

    /// <summary>The command-line arguments as given.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Open model: the steady rate, iterations/s; <see langword="null"/> in a closed-model run.</summary>
    public double? Rate { get; init; }

    /// <summary>Open model: the rate stages.</summary>
    public IReadOnlyList<RateStage> RateStages { get; init; } = [];

    /// <summary>Open model: how arrivals are spaced.</summary>
    public ArrivalProcess Arrivals { get; init; } = ArrivalProcess.Constant;

    /// <summary>Open model: Gamma shape of Poisson gaps.</summary>
    public double Burstiness { get; init; } = 1;

    /// <summary>Open model: most concurrent iterations, when set.</summary>
    public int? MaxUsers { get; init; }

    /// <summary>Open model: users started before the first arrival, when set.</summary>
    public int? PreAllocatedUsers { get; init; }

    /// <summary>Open model: arrivals allowed to wait for a free user.</summary>
    public int Backlog { get; init; }

    /// <summary>The minimum duration for a valid run, when set.</summary>
    public TimeSpan? MinDuration { get; init; }

    /// <summary>Whether the run used the open model.</summary>
    public bool IsOpenModel => Rate is not null || RateStages.Count > 0;
}
