namespace Stampede.Demo.Llm;

/// <summary>
/// Continuous batching as the simulator models it: at most <see cref="LlmSimulatorOptions.MaxBatch"/> sequences run
/// (prefill or decode) at once; later ones wait in a FIFO queue for a free slot, and a slot freed by a finished
/// sequence goes to the oldest waiter at once.
/// </summary>
internal sealed class LlmBatchScheduler
{
    private readonly LlmSimulatorOptions _options;
    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private readonly Random _random;
    private int _running;
    private long _runningTokens;
    private long _promptTokens;
    private long _generationTokens;

    public LlmBatchScheduler(LlmSimulatorOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
    }

    /// <summary>Sequences holding a batch slot now (prefilling or decoding).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Requests waiting in the queue for a batch slot.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>The running sequences' tokens (prompt plus generated so far) over <see cref="LlmSimulatorOptions.KvCacheTokens"/>, 0 to 1.</summary>
    public double CacheUsage => Math.Min(1.0, Interlocked.Read(ref _runningTokens) / (double)_options.KvCacheTokens);

    /// <summary>Prompt tokens of every sequence whose prefill finished.</summary>
    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    /// <summary>Output tokens generated, over every sequence.</summary>
    public long GenerationTokens => Interlocked.Read(ref _generationTokens);

    /// <summary>Waits, in FIFO order, for a batch slot; dispose the result to free it.</summary>
    public async Task<Slot> EnterAsync(CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource> waiter;
        lock (_gate)
        {
            if (_running < _options.MaxBatch && _waiting.Count == 0)
            {
                _running++;
                return new Slot(this);
            }

            waiter = _waiting.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        try
        {
            using (cancellationToken.Register(static w => ((TaskCompletionSource)w!).TrySetCanceled(), waiter.Value))
            {
                await waiter.Value.Task.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away while queued: it no longer counts as waiting.
            lock (_gate)
            {
                if (waiter.List is not null)
                {
                    _waiting.Remove(waiter);
                }
            }

            throw;
        }

        return new Slot(this);
    }

    /// <summary>The time to the first token of a prompt, once it holds a slot: base TTFT plus the prefill per token.</summary>
    public TimeSpan Prefill(int promptTokens) => _options.Ttft + (_options.PrefillPerToken * promptTokens);

    /// <summary>The next inter-token gap: ITL, jittered, × (1 + slowdown × (running − 1) / batch) for the sequences running now.</summary>
    public TimeSpan NextGap()
    {
        double spread = 1.0;
        if (_options.Jitter > 0)
        {
            lock (_random)
            {
                spread += _options.Jitter * ((2 * _random.NextDouble()) - 1);
            }
        }

        double batching = 1 + (_options.Slowdown * (Math.Max(1, Running) - 1) / _options.MaxBatch);
        return _options.Itl * (spread * batching);
    }

    public void PrefillFinished(int promptTokens) => Interlocked.Add(ref _promptTokens, promptTokens);

    public void TokenGenerated() => Interlocked.Increment(ref _generationTokens);

    private void Leave()
    {
        lock (_gate)
        {
            while (_waiting.First is { } next)
            {
                _waiting.RemoveFirst();

                // A waiter whose client just went away is cancelled; the slot passes to the one behind it.
                if (next.Value.TrySetResult())
                {
                    return;
                }
            }

            _running--;
        }
    }

    /// <summary>A held batch slot and the KV cache tokens its sequence holds; disposing frees both.</summary>
    public sealed class Slot : IDisposable
    {
        private readonly LlmBatchScheduler _scheduler;
        private long _tokens;
        private bool _disposed;

        public Slot(LlmBatchScheduler scheduler) => _scheduler = scheduler;

        /// <summary>Adds tokens this sequence keeps in the KV cache (its prompt, then each generated token).</summary>
        public void Hold(int tokens)
        {
            _tokens += tokens;
            Interlocked.Add(ref _scheduler._runningTokens, tokens);
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Interlocked.Add(ref _scheduler._runningTokens, -_tokens);
            _scheduler.Leave();
        }
    }
}
