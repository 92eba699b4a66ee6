using Stampede.Analysis;
using Stampede.Metrics;

namespace Stampede.Load;

/// <summary>What a finished run produced.</summary>
public sealed record RunResult
{
    /// <summary>The final statistics, with encoded histograms.</summary>
    public required StatsSnapshot Stats { get; init; }

    /// <summary>Why the run ended.</summary>
    public required StopReason StopReason { get; init; }

    /// <summary>The seed every random choice came from; pass it again to repeat the run's choices.</summary>
    public required int Seed { get; init; }

    /// <summary>Wall-clock end of the run.</summary>
    public required DateTimeOffset EndedAt { get; init; }

    /// <summary>The user classes that ran, with their weights and tasks.</summary>
    public required IReadOnlyList<UserClassSummary> UserClasses { get; init; }

    /// <summary>Whether the run's numbers can be trusted (VALID), or why not (INVALID and its reasons).</summary>
    public required RunValidity Validity { get; init; }

    /// <summary>The capacity search's result (<see cref="LoadTestOptions.FindCapacity"/>); <see langword="null"/> without one.</summary>
    public Experiments.CapacityAnalysis? Capacity { get; init; }

    /// <summary>The stress test's result (<see cref="LoadTestOptions.Stress"/>); <see langword="null"/> without one.</summary>
    public Experiments.BreakingPointAnalysis? BreakingPoint { get; init; }

    /// <summary>What a cold start of the target costs (<see cref="LoadTestOptions.ColdStartTrials"/>); <see langword="null"/> without trials.</summary>
    public ColdStartAnalysis? ColdStart { get; init; }

    /// <summary>What limited the system under test, with the evidence from the watched resources.</summary>
    public BottleneckAnalysis? Bottleneck { get; init; }

    /// <summary>Whether the target scaled out in time for the load's spike (<see cref="LoadTestOptions.Autoscaling"/>); <see langword="null"/> when not asked for.</summary>
    public AutoscalingAnalysis? Autoscaling { get; init; }

    /// <summary>Whether latency, throughput or memory drifted over the run (docs/soak.md); <see langword="null"/> when the run had fewer than 60 one-second intervals after its warm-up.</summary>
    public DriftAnalysis? Drift { get; init; }

    /// <summary>Each of <see cref="LoadTestOptions.Thresholds"/> measured against <see cref="Stats"/>, in order; empty when none were given.</summary>
    public IReadOnlyList<ThresholdResult> Thresholds { get; init; } = [];

    /// <summary>The <c>abort</c> thresholds that stopped the run, as measured when they did; empty unless <see cref="StopReason"/> is <see cref="StopReason.ThresholdAborted"/>.</summary>
    public IReadOnlyList<ThresholdResult> AbortedBy { get; init; } = [];

    /// <summary>Whether every threshold passed (a threshold without data does not pass); true when there are none.</summary>
    public bool ThresholdsPassed => Thresholds.All(t => t.Passed);

    /// <summary>Whether any request failed or any task threw.</summary>
    public bool HasErrors => Stats.Total.Failures > 0 || Stats.Errors.Count > 0;
}

/// <summary>Why a run ended.</summary>
public enum StopReason
{
    /// <summary>The run time elapsed.</summary>
    RunTimeElapsed,

    /// <summary>The load shape returned no target, or the last rate stage ended.</summary>
    ShapeFinished,

    /// <summary>The run was stopped from outside (Ctrl-C, SIGTERM, <see cref="LoadTest.Stop"/>).</summary>
    Interrupted,

    /// <summary>Every user stopped itself.</summary>
    AllUsersStopped,

    /// <summary>A threshold written with <c>abort</c> failed (<see cref="RunResult.AbortedBy"/>).</summary>
    ThresholdAborted,

    /// <summary>An experiment (<see cref="LoadTestOptions.FindCapacity"/>, <see cref="LoadTestOptions.Stress"/>) found its answer.</summary>
    ExperimentFinished,

    /// <summary>
    /// Every request of the first seconds failed without reaching a server (nothing listening, an unknown host, a TLS
    /// failure), so the run stopped early; a <see cref="Metrics.RunWarning.TargetUnreachable"/> warning names the cause.
    /// <see cref="LoadTestOptions.KeepGoing"/> runs on instead.
    /// </summary>
    TargetUnreachable,
}

/// <summary>A user class as it ran.</summary>
/// <param name="Name">Class name.</param>
/// <param name="Weight">Its class weight.</param>
/// <param name="FixedCount">Its fixed count, 0 when weighted.</param>
/// <param name="Tasks">Its tasks (after tag filtering) with their weights.</param>
public sealed record UserClassSummary(string Name, int Weight, int FixedCount, IReadOnlyList<TaskSummary> Tasks);

/// <summary>A task as it ran.</summary>
/// <param name="Name">Class and method name.</param>
/// <param name="Weight">Its weight.</param>
/// <param name="Tags">Its tags.</param>
public sealed record TaskSummary(string Name, int Weight, IReadOnlyList<string> Tags);
