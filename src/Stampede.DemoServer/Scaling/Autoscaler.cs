using Stampede.Demo.Inference;

namespace Stampede.Demo.Scaling;

/// <summary>
/// Applies an <see cref="AutoscalePolicy"/> to a <see cref="WorkerPool"/> on a timer from the injected
/// <see cref="TimeProvider"/>, so a test drives it by advancing a fake clock.
/// </summary>
internal sealed class Autoscaler : IDisposable
{
    private readonly AutoscalePolicy _policy;
    private readonly WorkerPool _pool;
    private readonly TimeProvider _timeProvider;
    private readonly AutoscaleRange _range;
    private readonly TimeSpan _workerColdStart;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private bool _disposed;

    public Autoscaler(DemoServerOptions options, WorkerPool pool)
    {
        _range = options.Autoscale ?? throw new ArgumentException("Autoscale is not set.", nameof(options));
        _policy = new AutoscalePolicy(_range, options.ScaleUpQueueThreshold, options.ScaleUpDelay, options.ScaleDownDelay);
        _pool = pool;
        _timeProvider = options.TimeProvider;
        _workerColdStart = options.WorkerColdStart;
        Interval = ChooseInterval(options.ScaleUpDelay, options.ScaleDownDelay);
        _timer = _timeProvider.CreateTimer(static state => ((Autoscaler)state!).Tick(), this, Interval, Interval);
    }

    /// <summary>How often the queue is read: a quarter of the shorter delay, between 50 ms and 1 s.</summary>
    public TimeSpan Interval { get; }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    internal static TimeSpan ChooseInterval(TimeSpan scaleUpDelay, TimeSpan scaleDownDelay)
    {
        var shorter = scaleUpDelay < scaleDownDelay ? scaleUpDelay : scaleDownDelay;
        var quarter = shorter / 4;
        return quarter < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50)
            : quarter > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1)
            : quarter;
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var decision = _policy.Evaluate(_timeProvider.GetUtcNow(), _pool.QueueLength, _pool.BusyWorkers, _pool.CurrentWorkers);
            if (decision > 0)
            {
                _pool.AddWorker(_workerColdStart);
                _pool.Metrics.ScaledUp();
            }
            else if (decision < 0 && _pool.RemoveWorker(_range.Min))
            {
                _pool.Metrics.ScaledDown();
            }
        }
    }
}
