using System.Threading.Channels;
using Stampede.Demo.Telemetry;

namespace Stampede.Demo.Inference;

/// <summary>
/// Inference workers fed by one bounded queue. A full queue refuses a job at once (the caller answers 503),
/// so overload shows as fast rejections plus a latency that the queue length bounds, as in a model server with
/// a fixed batch of replicas.
/// </summary>
internal sealed class WorkerPool
{
    private readonly Channel<InferenceJob> _queue;
    private readonly ModelHost _host;
    private readonly TimeProvider _timeProvider;
    private readonly List<InferenceWorker> _workers = [];
    private readonly List<Task> _exits = [];
    private readonly Lock _gate = new();
    private int _busy;
    private int _nextId;
    private bool _stopped;

    public WorkerPool(int capacity, ModelHost host, DemoServerMetrics metrics, TimeProvider timeProvider)
    {
        Capacity = capacity;
        _host = host;
        Metrics = metrics;
        _timeProvider = timeProvider;
        _queue = Channel.CreateBounded<InferenceJob>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
    }

    /// <summary>The most jobs that may wait (MaxQueue).</summary>
    public int Capacity { get; }

    public int QueueLength => _queue.Reader.Count;

    public int BusyWorkers => Volatile.Read(ref _busy);

    public int CurrentWorkers
    {
        get
        {
            lock (_gate)
            {
                return _workers.Count;
            }
        }
    }

    public int ReadyWorkers
    {
        get
        {
            lock (_gate)
            {
                var ready = 0;
                foreach (var worker in _workers)
                {
                    ready += worker.IsReady ? 1 : 0;
                }

                return ready;
            }
        }
    }

    internal ModelHost Host => _host;

    internal DemoServerMetrics Metrics { get; }

    internal ChannelReader<InferenceJob> Queue => _queue.Reader;

    /// <summary>Queues a job, or returns false at once when the queue is full or the pool has stopped.</summary>
    public bool TryEnqueue(InferenceJob job)
    {
        job.MarkEnqueued();
        return _queue.Writer.TryWrite(job);
    }

    /// <summary>Starts the first workers: they serve as soon as the model is ready.</summary>
    public void StartInitialWorkers(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Add(_host.Ready);
        }
    }

    /// <summary>Adds a worker that serves after the model is ready and <paramref name="coldStart"/> has passed on the pool's clock.</summary>
    public void AddWorker(TimeSpan coldStart)
    {
        var delay = coldStart > TimeSpan.Zero ? Task.Delay(coldStart, _timeProvider) : Task.CompletedTask;
        Add(Task.WhenAll(_host.Ready, delay));
    }

    /// <summary>Stops the newest worker (after its current job); false when only <paramref name="minimum"/> remain.</summary>
    public bool RemoveWorker(int minimum)
    {
        InferenceWorker worker;
        lock (_gate)
        {
            if (_workers.Count <= minimum)
            {
                return false;
            }

            // A worker still cold-starting goes first: it has served nothing yet.
            var index = _workers.FindLastIndex(w => !w.IsReady);
            if (index < 0)
            {
                index = _workers.Count - 1;
            }

            worker = _workers[index];
            _workers.RemoveAt(index);
        }

        worker.Stop();
        return true;
    }

    /// <summary>Refuses new jobs, answers every queued job with <paramref name="status"/>, stops every worker and waits for them.</summary>
    public async Task StopAsync(int status, string message)
    {
        Task[] exits;
        lock (_gate)
        {
            _stopped = true;
            foreach (var worker in _workers)
            {
                worker.Stop();
            }

            _workers.Clear();
            exits = [.. _exits];
        }

        FailQueued(status, message);
        await Task.WhenAll(exits).ConfigureAwait(false);
        FailQueued(status, message);
    }

    /// <summary>Refuses new jobs and answers the queued ones with an error (the model could not be loaded).</summary>
    public void FailQueued(int status, string message)
    {
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var job))
        {
            job.Complete(InferenceResult.Error(status, message));
        }
    }

    internal void EnterBusy() => Interlocked.Increment(ref _busy);

    internal void ExitBusy() => Interlocked.Decrement(ref _busy);

    private void Add(Task readiness)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            var worker = new InferenceWorker(++_nextId, this, readiness);
            _workers.Add(worker);
            _exits.RemoveAll(static exited => exited.IsCompleted);
            _exits.Add(worker.Exited);
            worker.Start();
        }
    }
}
