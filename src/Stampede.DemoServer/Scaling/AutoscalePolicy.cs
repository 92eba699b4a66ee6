namespace Stampede.Demo.Scaling;

/// <summary>
/// When to add or remove a worker, from readings of the queue taken on a clock: a decision with no timers in it,
/// so it is tested by feeding it readings.
/// </summary>
/// <remarks>
/// Scale up: every reading for <c>scaleUpDelay</c> saw more than <c>threshold</c> requests queued, and fewer than
/// the maximum workers exist. Scale down: every reading for <c>scaleDownDelay</c> saw nothing queued and no worker
/// busy, and more than the minimum exist. After a change the clock for the next one starts again, so the pool
/// moves one worker per delay, like Kubernetes' HPA with a stabilisation window.
/// </remarks>
internal sealed class AutoscalePolicy
{
    private readonly AutoscaleRange _range;
    private readonly int _threshold;
    private readonly TimeSpan _scaleUpDelay;
    private readonly TimeSpan _scaleDownDelay;
    private DateTimeOffset? _overloadedSince;
    private DateTimeOffset? _idleSince;

    public AutoscalePolicy(AutoscaleRange range, int threshold, TimeSpan scaleUpDelay, TimeSpan scaleDownDelay)
    {
        _range = range;
        _threshold = threshold;
        _scaleUpDelay = scaleUpDelay;
        _scaleDownDelay = scaleDownDelay;
    }

    /// <summary>Reads the state at <paramref name="now"/> and answers +1 (add a worker), -1 (remove one) or 0.</summary>
    public int Evaluate(DateTimeOffset now, int queueLength, int busyWorkers, int currentWorkers)
    {
        if (queueLength > _threshold)
        {
            _idleSince = null;
            _overloadedSince ??= now;
            if (now - _overloadedSince >= _scaleUpDelay && currentWorkers < _range.Max)
            {
                _overloadedSince = now;
                return +1;
            }

            return 0;
        }

        _overloadedSince = null;
        if (queueLength == 0 && busyWorkers == 0)
        {
            _idleSince ??= now;
            if (now - _idleSince >= _scaleDownDelay && currentWorkers > _range.Min)
            {
                _idleSince = now;
                return -1;
            }

            return 0;
        }

        _idleSince = null;
        return 0;
    }
}
