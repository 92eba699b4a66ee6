using Stampede.Analysis;
using Stampede.Load;

namespace Stampede.Cli;

/// <summary>What the command line (and <c>STAMPEDE_*</c> environment variables) asked for.</summary>
internal sealed partial record CliSettings
{
    public string? Host { get; init; }

    public int Users { get; init; } = 1;

    public double SpawnRate { get; init; } = 1;

    public TimeSpan? RunTime { get; init; }

    public bool Headless { get; init; }

    public string? CsvPrefix { get; init; }

    public bool CsvFullHistory { get; init; }

    public string? JsonPath { get; init; }

    public string? HtmlPath { get; init; }

    public TimeSpan StopTimeout { get; init; }

    public int ExitCodeOnError { get; init; } = 1;

    public bool OnlySummary { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Info;

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<string> ExcludeTags { get; init; } = [];

    public int? Seed { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public Version HttpVersion { get; init; } = System.Net.HttpVersion.Version11;

    public bool SharedConnections { get; init; }

    /// <summary><c>--insecure</c>: TLS certificates are not checked.</summary>
    public bool Insecure { get; init; }

    /// <summary><c>--history-in-memory</c>.</summary>
    public TimeSpan HistoryInMemory { get; init; } = Load.LoadTestOptions.DefaultHistoryInMemory;

    /// <summary><c>--max-body</c>, bytes.</summary>
    public long MaxBodyBytes { get; init; } = Load.LoadTestOptions.DefaultMaxBodyBytes;

    /// <summary><c>--source-address</c>, ranges expanded, in order.</summary>
    public IReadOnlyList<System.Net.IPAddress> SourceAddresses { get; init; } = [];

    public IReadOnlyList<Stage>? Stages { get; init; }

    public double? Rate { get; init; }

    public IReadOnlyList<RateStage>? RateStages { get; init; }

    public ArrivalProcess Arrivals { get; init; } = ArrivalProcess.Constant;

    public double Burstiness { get; init; } = 1;

    public int? PreAllocatedUsers { get; init; }

    public int? MaxUsers { get; init; }

    public int Backlog { get; init; }

    public TimeSpan? MinDuration { get; init; }

    /// <summary><c>--strict</c>: under-sampled percentiles make the run INVALID.</summary>
    public bool Strict { get; init; }

    /// <summary><c>--keep-going</c>: run on when the target is unreachable from the start (<see cref="LoadTestOptions.KeepGoing"/>).</summary>
    public bool KeepGoing { get; init; }

    /// <summary><c>--goodput</c>: the per-request bounds of goodput (<see cref="LoadTestOptions.Goodput"/>).</summary>
    public Stampede.Llm.GoodputBounds? Goodput { get; init; }

    public bool IsOpenModel => Rate is not null || RateStages is not null || FindCapacity || Stress;

    /// <summary>Thresholds from repeated <c>--slo EXPR</c>, parsed.</summary>
    public IReadOnlyList<Threshold> Slos { get; init; } = [];

    /// <summary><c>--slo-file FILE</c>: SLO objectives as JSON or YAML.</summary>
    public string? SloFile { get; init; }

    /// <summary><c>--save-baseline FILE</c>.</summary>
    public string? SaveBaselinePath { get; init; }

    /// <summary><c>--baseline FILE</c>: a baseline or a run document to compare the run with.</summary>
    public string? BaselinePath { get; init; }

    /// <summary><c>--tolerance 10%</c> as a ratio (0.1).</summary>
    public double Tolerance { get; init; } = 0.10;

    /// <summary><c>--junit FILE</c>.</summary>
    public string? JUnitPath { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>Console verbosity, with Locust's level names.</summary>
internal enum LogLevel
{
    Debug,
    Info,
    Warning,
    Error,
    Critical,
}
