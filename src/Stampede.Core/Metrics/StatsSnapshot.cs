using System.Collections.Immutable;
using Stampede.Monitoring;

namespace Stampede.Metrics;

/// <summary>An immutable view of a run's statistics at one moment; what every output reads.</summary>
public sealed record StatsSnapshot
{
    /// <summary>Wall-clock time the run started (the first user was spawned).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Wall-clock time of this snapshot.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Time since the run started.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Virtual users running when the snapshot was taken.</summary>
    public int Users { get; init; }

    /// <summary>One row per (method, name), sorted by name then method.</summary>
    public required IReadOnlyList<RowStats> Rows { get; init; }

    /// <summary>Every request together (Locust's "Aggregated" row).</summary>
    public required RowStats Total { get; init; }

    /// <summary>Failed requests grouped by method, name and reason, most frequent first.</summary>
    public required IReadOnlyList<FailureStats> Failures { get; init; }

    /// <summary>Exceptions thrown by tasks and hooks, grouped by source, type and message.</summary>
    public required IReadOnlyList<UserErrorStats> Errors { get; init; }

    /// <summary>Complete one-second intervals, oldest first. In a run's snapshots, intervals older than
    /// <see cref="Load.LoadTestOptions.HistoryInMemory"/> are read back from disk when indexed.</summary>
    public required IReadOnlyList<IntervalStats> History { get; init; }

    /// <summary>Seconds of <see cref="History"/> kept on disk rather than in memory (<see cref="Load.LoadTestOptions.HistoryInMemory"/>).</summary>
    public int HistorySecondsOnDisk { get; init; }

    /// <summary>Bytes those seconds take in the spill file in the temp folder.</summary>
    public long HistoryBytesOnDisk { get; init; }

    /// <summary>The load generator's own health.</summary>
    public required GeneratorHealth Generator { get; init; }

    /// <summary>The open-model schedule's progress; <see langword="null"/> in a closed-model run.</summary>
    public ArrivalStats? Arrivals { get; init; }

    /// <summary>Warnings about the run itself raised so far (<see cref="RunWarning"/>), oldest first.</summary>
    public IReadOnlyList<RunWarning> Warnings { get; init; } = [];

    /// <summary>The system under test as watched (<c>--metrics-url</c>, <c>--watch-pid</c>); <see cref="TargetSnapshot.Empty"/> when nothing is.</summary>
    public TargetSnapshot Target { get; init; } = TargetSnapshot.Empty;

    /// <summary>Where a running experiment (<c>--find-capacity</c>, <c>--stress</c>) stands; <see langword="null"/> in a plain run.</summary>
    public Experiments.ExperimentProgress? Experiment { get; init; }

    /// <summary>A distributed run's agents as its coordinator saw them; <see langword="null"/> for a run on one machine.</summary>
    public Cluster.ClusterStats? Cluster { get; init; }
}

/// <summary>
/// How an open-model run kept to its schedule. An iteration is one task started at an arrival; an arrival
/// that found every user busy and the pool full is dropped, counted here and never silently skipped.
/// </summary>
public sealed record ArrivalStats
{
    /// <summary>The target rate now (the last rate of the schedule once it ended), iterations/s.</summary>
    public required double TargetRate { get; init; }

    /// <summary>Iterations the schedule asked for so far (its rate integrated over the elapsed time).</summary>
    public required double ExpectedIterations { get; init; }

    /// <summary>Arrivals whose intended start has come.</summary>
    public required long DueIterations { get; init; }

    /// <summary>Iterations a user started.</summary>
    public required long StartedIterations { get; init; }

    /// <summary>Arrivals dropped because no user was free and the pool was at <see cref="MaxUsers"/>.</summary>
    public required long DroppedIterations { get; init; }

    /// <summary>Started iterations per second of the run so far.</summary>
    public required double AchievedRate { get; init; }

    /// <summary>The mean target rate so far: <see cref="ExpectedIterations"/> over the elapsed time.</summary>
    public required double MeanTargetRate { get; init; }

    /// <summary>Users in the pool now (idle or busy).</summary>
    public required int Users { get; init; }

    /// <summary>Users running an iteration now.</summary>
    public required int BusyUsers { get; init; }

    /// <summary>The most users the pool may hold (<c>--max-users</c>).</summary>
    public required int MaxUsers { get; init; }
}

/// <summary>Failed requests of one row that failed for one reason.</summary>
/// <param name="Method">The row's method.</param>
/// <param name="Name">The row's name.</param>
/// <param name="Error">The failure reason, e.g. <c>HTTP 503 Service Unavailable</c>.</param>
/// <param name="Occurrences">How many requests failed so.</param>
public sealed record FailureStats(string Method, string Name, string Error, long Occurrences);

/// <summary>Exceptions thrown by user code (a task, <c>OnStartAsync</c>, <c>OnStopAsync</c>).</summary>
/// <param name="Source">Where: <c>PredictUser.Small</c>, <c>PredictUser.OnStartAsync</c>.</param>
/// <param name="Type">Exception type name.</param>
/// <param name="Message">Exception message.</param>
/// <param name="StackTrace">The stack trace of the first occurrence.</param>
/// <param name="Count">Occurrences.</param>
public sealed record UserErrorStats(string Source, string Type, string Message, string StackTrace, long Count);

/// <summary>One second of the run.</summary>
public sealed record IntervalStats
{
    /// <summary>Index of the second since the start of the run (0 = the first second).</summary>
    public required long Second { get; init; }

    /// <summary>Wall-clock start of the interval.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>Length of the interval in seconds: 1, except for the last one of a run.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>Virtual users running at the end of the interval.</summary>
    public required int Users { get; init; }

    /// <summary>Rows that completed requests in this interval.</summary>
    public required IReadOnlyList<RowStats> Rows { get; init; }

    /// <summary>All requests completed in this interval.</summary>
    public required RowStats Total { get; init; }

    /// <summary>Open model: arrivals whose intended start fell in this second.</summary>
    public long DueIterations { get; init; }

    /// <summary>Open model: arrivals of this second dropped because no user was free.</summary>
    public long DroppedIterations { get; init; }

    /// <summary>Scheduling lag p99 (actual send − intended start) of the scheduled requests that completed this second, ms; <see langword="null"/> when none was scheduled.</summary>
    public double? SchedulingLagP99Ms { get; init; }

    /// <summary>Whether the generator was bound this second (CPU above its threshold, GC pauses, or scheduling lag above 5 ms at the percentile its arrivals support).</summary>
    public bool GeneratorBound { get; init; }
}
