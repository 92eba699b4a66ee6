using System.Collections.Immutable;
using Stampede.Analysis;
using Stampede.Metrics;

namespace Stampede.Load;

/// <summary>The run's early warnings: an unreachable target (which also stops the run) and scoped thresholds without their row.</summary>
public sealed partial class LoadTest
{
    private readonly UnreachableTargetDetector _unreachableDetector = new();
    private MissingRowDetector? _missingRows;
    private ImmutableList<RunWarning> _runWarnings = [];
    private volatile string? _unreachable;
    private bool _fileLimitWarned;
    private bool _historyWarned;

    /// <summary>The files this process may open (<see cref="Monitoring.FileDescriptorLimit.Current"/>); tests set a smaller one.</summary>
    internal long? FileLimit { get; set; } = Monitoring.FileDescriptorLimit.Current();

    /// <summary>
    /// Raised, on the metrics thread and before that second's <see cref="SnapshotTaken"/>, when the run warns about itself
    /// (<see cref="RunWarning"/>: an unreachable target, a scoped threshold whose row has not appeared). The warnings are
    /// also in every later snapshot's <see cref="StatsSnapshot.Warnings"/>.
    /// </summary>
    public event Action<RunWarning>? RunWarningRaised;

    /// <summary>
    /// Judges the early warnings on <paramref name="snapshot"/>, raises the new ones and stops the run when the target is
    /// unreachable (unless <see cref="LoadTestOptions.KeepGoing"/>).
    /// </summary>
    /// <returns><paramref name="snapshot"/> with the run's warnings so far.</returns>
    private StatsSnapshot WatchEarly(StatsSnapshot snapshot, MetricsAggregator aggregator)
    {
        if (_unreachableDetector.Check(snapshot, aggregator.Recorder.CausesOf, _options.KeepGoing, out string message))
        {
            Warn(new RunWarning(snapshot.Elapsed, RunWarning.TargetUnreachable, message), aggregator);
            if (!_options.KeepGoing)
            {
                _unreachable = message;
                _stop.Cancel();
            }
        }

        _missingRows ??= new MissingRowDetector(_options.Thresholds);
        foreach (string missing in _missingRows.Check(snapshot))
        {
            Warn(new RunWarning(snapshot.Elapsed, RunWarning.SloRowMissing, missing), aggregator);
        }

        // Once, as soon as the users outgrow the sockets this process may open (shared connections need far fewer; a
        // distributed run's coordinator opens none: each agent judges its own).
        if (!_fileLimitWarned && !_options.ShareConnections && _options.Fleet is null && Monitoring.FileDescriptorLimit.Check(snapshot.Users, FileLimit) is { } tooMany)
        {
            _fileLimitWarned = true;
            Warn(new RunWarning(snapshot.Elapsed, RunWarning.FileLimit, tooMany), aggregator);
        }

        if (!_historyWarned && aggregator.HistorySpillError is { } spill)
        {
            _historyWarned = true;
            Warn(new RunWarning(snapshot.Elapsed, RunWarning.HistoryInMemory, spill + "; set TMPDIR to a writable folder with room, or a longer --history-in-memory"), aggregator);
        }

        return _runWarnings.IsEmpty ? snapshot : snapshot with { Warnings = _runWarnings };
    }

    /// <summary>The reason a run that was stopped from inside ended with, when its unreachable target stopped it.</summary>
    private StopReason WithUnreachable(StopReason reason, CancellationToken cancellationToken) =>
        _unreachable is not null && reason == StopReason.Interrupted && !cancellationToken.IsCancellationRequested
            ? StopReason.TargetUnreachable
            : reason;

    /// <summary>
    /// An unreachable target breaks the numbers: there are none of the server's, only connection errors. So is a run that
    /// went on (<see cref="LoadTestOptions.KeepGoing"/>) and never reached it; one whose target came up later is judged as any.
    /// </summary>
    private RunValidity Judged(RunValidity validity, StopReason reason, StatsSnapshot final) =>
        reason == StopReason.TargetUnreachable || (_runWarnings.Any(w => w.Kind == RunWarning.TargetUnreachable) && final.Total.Requests == final.Total.Failures)
            ? validity with { IsValid = false, Reasons = [.. validity.Reasons, "the target was unreachable: no request reached a server"] }
            : validity;

    private void Warn(RunWarning warning, MetricsAggregator aggregator)
    {
        warning = warning with { Message = Security.Secrets.Redact(warning.Message) };
        _runWarnings = _runWarnings.Add(warning);
        try
        {
            RunWarningRaised?.Invoke(warning);
        }
#pragma warning disable CA1031 // A failing subscriber (a console view) must not stop measuring; its error is reported with the user errors.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            aggregator.RecordSubscriberError(ex);
        }
    }
}
