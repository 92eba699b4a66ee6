using System.Globalization;
using Stampede.Metrics;

namespace Stampede.Load;

/// <summary>
/// Tells, from a run's first snapshots, that its target cannot be reached: once <see cref="Window"/> has passed with at
/// least <see cref="MinRequests"/> requests, every one failed, all with one reason, and the requests noted a cause for
/// it (<see cref="MetricsRecorder.NoteCause"/>: nothing listening, an unknown host, a TLS failure). It judges once: the
/// first response of any kind, or a failure that is not a connection's, ends the watch.
/// </summary>
/// <remarks>
/// The window keeps a server that is still starting (a second or two) from ending the run; the minimum keeps one unlucky
/// request from doing so. A server that answers errors (HTTP 503) is reachable, and its failures are the run's result.
/// </remarks>
internal sealed class UnreachableTargetDetector
{
    /// <summary>How long every request must have failed before the target counts as unreachable.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    /// <summary>The fewest failed requests that count as evidence.</summary>
    public const int MinRequests = 5;

    private bool _done;

    /// <summary>The cause when <paramref name="snapshot"/> shows an unreachable target (once), else <see langword="null"/>.</summary>
    /// <param name="snapshot">The run so far.</param>
    /// <param name="causesOf">The causes noted for a failure reason.</param>
    /// <param name="message">The warning's sentence: the cause, the evidence and what happens next.</param>
    /// <param name="keepGoing">Whether the run goes on (<see cref="LoadTestOptions.KeepGoing"/>), for the sentence.</param>
    public bool Check(StatsSnapshot snapshot, Func<string, IReadOnlyList<string>> causesOf, bool keepGoing, out string message)
    {
        message = string.Empty;
        if (_done)
        {
            return false;
        }

        RowStats total = snapshot.Total;
        if (total.Requests > total.Failures)
        {
            _done = true; // a response came
            return false;
        }

        if (snapshot.Elapsed < Window || total.Requests < MinRequests)
        {
            return false;
        }

        string? reason = null;
        foreach (FailureStats failure in snapshot.Failures)
        {
            if (reason is not null && !string.Equals(reason, failure.Error, StringComparison.Ordinal))
            {
                _done = true; // failures of several kinds: not one unreachable target
                return false;
            }

            reason = failure.Error;
        }

        IReadOnlyList<string> causes = reason is null ? [] : causesOf(reason);
        _done = true;
        if (causes.Count == 0)
        {
            return false;
        }

        string cause = string.Join("; ", causes);
        message = string.Create(
            CultureInfo.InvariantCulture,
            $"Target unreachable: {cause}{(cause.EndsWith('?') ? string.Empty : ".")} All {total.Requests} requests of the first {snapshot.Elapsed.TotalSeconds:0.#} s failed with {reason}; {(keepGoing ? "--keep-going: the run goes on." : "the run stops early (--keep-going runs on).")}");
        return true;
    }
}
