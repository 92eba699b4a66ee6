using System.Collections.Concurrent;
using Stampede.Security;

namespace Stampede.Metrics;

/// <summary>
/// The write side of a run's metrics: virtual users record here, the <see cref="MetricsAggregator"/>
/// drains. Recording a sample touches only the calling thread's own buffer.
/// </summary>
internal sealed class MetricsRecorder
{
    // The last buffer this thread used, plus every buffer it owns (one per live recorder: tests run
    // several runs at once in one process, and a thread must not flip-flop between them).
    [ThreadStatic]
    private static ThreadSlot? t_slot;

    [ThreadStatic]
    private static List<ThreadSlot>? t_slots;

    private static long s_nextId;

    private readonly long _id = Interlocked.Increment(ref s_nextId);
    private readonly Lock _registrationLock = new();
    private readonly int _bufferCapacity;
    private volatile SampleBuffer[] _buffers = [];
    private int _drains;

    private readonly ConcurrentDictionary<(string Method, string Name), int> _rowIds = new();
    private readonly List<RowKey> _rows = [];
    private readonly ConcurrentDictionary<string, int> _errorIds = new(StringComparer.Ordinal);
    private readonly List<string> _errors = [string.Empty];
    private readonly ConcurrentQueue<UserError> _userErrors = new();
    private readonly ConcurrentQueue<LlmSample> _llm = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _causes = new(StringComparer.Ordinal);

    public MetricsRecorder(int bufferCapacity = 1 << 13)
    {
        _bufferCapacity = bufferCapacity;
    }

    /// <summary>The id of the (method, name) row; registered on first use, under its name with secrets redacted.</summary>
    public int GetRowId(string method, string name)
    {
        if (_rowIds.TryGetValue((method, name), out int id))
        {
            return id;
        }

        lock (_registrationLock)
        {
            if (_rowIds.TryGetValue((method, name), out id))
            {
                return id;
            }

            // A row is named by its redacted name: /x?token=a and /x?token=b are one row, "/x?token=***".
            string redacted = Secrets.Redact(name);
            if (!_rowIds.TryGetValue((method, redacted), out id))
            {
                id = _rows.Count;
                _rows.Add(new RowKey(method, redacted));
                _rowIds[(method, redacted)] = id;
            }

            _rowIds[(method, name)] = id;
            return id;
        }
    }

    /// <summary>The id of a failure reason (never 0); registered on first use, with secrets redacted.</summary>
    public int GetErrorId(string reason)
    {
        if (_errorIds.TryGetValue(reason, out int id))
        {
            return id;
        }

        lock (_registrationLock)
        {
            if (_errorIds.TryGetValue(reason, out id))
            {
                return id;
            }

            string redacted = Secrets.Redact(reason);
            if (!_errorIds.TryGetValue(redacted, out id))
            {
                id = _errors.Count;
                _errors.Add(redacted);
                _errorIds[redacted] = id;
            }

            _errorIds[reason] = id;
            return id;
        }
    }

    public RowKey GetRow(int rowId)
    {
        lock (_registrationLock)
        {
            return _rows[rowId];
        }
    }

    public string GetError(int errorId)
    {
        lock (_registrationLock)
        {
            return _errors[errorId];
        }
    }

    /// <summary>
    /// Notes that a request failed for <paramref name="reason"/> without reaching its server, and why in words
    /// (<c>nothing listens on 127.0.0.1:8080 — is the server up?</c>); a <see langword="null"/> cause is ignored.
    /// Failures only: the path of a successful request never calls it.
    /// </summary>
    public void NoteCause(string reason, string? cause)
    {
        if (cause is not null)
        {
            _causes.GetOrAdd(reason, static _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).TryAdd(cause, 0);
        }
    }

    /// <summary>The causes noted for <paramref name="reason"/>, in ordinal order (one per host and port); empty when none was noted.</summary>
    public IReadOnlyList<string> CausesOf(string reason) =>
        _causes.TryGetValue(reason, out ConcurrentDictionary<string, byte>? causes) ? [.. causes.Keys.Order(StringComparer.Ordinal)] : [];

    /// <summary>Records one request. Allocation-free and lock-free after the calling thread's first call.</summary>
    public void Record(in RequestSample sample)
    {
        ThreadSlot? slot = t_slot;
        if (slot is null || slot.RecorderId != _id)
        {
            slot = Register();
        }

        slot.Buffer.Write(in sample);
    }

    /// <summary>Records an exception a task (or hook) threw; rare, so it may allocate.</summary>
    public void RecordUserError(string source, Exception exception)
    {
        _userErrors.Enqueue(new UserError(source, exception));
    }

    /// <summary>Drains every thread's buffer into <paramref name="sink"/>. Only the aggregator calls this.</summary>
    public int Drain<TSink>(ref TSink sink)
        where TSink : struct, ISampleSink
    {
        int total = 0;
        bool retire = ++_drains % RetireEveryDrains == 0;
        bool anyRetired = false;
        foreach (SampleBuffer buffer in _buffers)
        {
            total += buffer.Drain(ref sink);
            anyRetired |= retire && !buffer.Writer.IsAlive;
        }

        if (anyRetired)
        {
            RetireBuffersOfEndedThreads();
        }

        return total;
    }

    /// <summary>Buffers registered now, one per thread that recorded and has not ended.</summary>
    internal int BufferCount => _buffers.Length;

    /// <summary>How often (in drains, 50 ms apart in a run) the buffers of ended threads are looked for.</summary>
    private const int RetireEveryDrains = 20;

    /// <summary>
    /// Drops the buffers of threads that have ended, just drained: the thread pool retires idle threads and starts new
    /// ones, each of which registers a buffer (37 KB, up to 590 KB on a busy thread), so a long run that kept them all would grow by
    /// one buffer per thread ever started. An ended thread cannot record again, so its drained buffer holds nothing.
    /// </summary>
    private void RetireBuffersOfEndedThreads()
    {
        lock (_registrationLock)
        {
            SampleBuffer[] kept = [.. _buffers.Where(b => b.Writer.IsAlive || !b.IsEmpty)];
            _buffers = kept;
        }
    }

    public bool TryDequeueUserError(out UserError error) => _userErrors.TryDequeue(out error);

    /// <summary>Records a streamed LLM completion that reached its end (one allocation a completion; they come at most hundreds a second).</summary>
    internal void RecordLlm(LlmSample sample) => _llm.Enqueue(sample);

    /// <summary>Takes the next recorded LLM completion. Only the aggregator calls this.</summary>
    internal bool TryDequeueLlm([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LlmSample? sample) => _llm.TryDequeue(out sample);

    private ThreadSlot Register()
    {
        t_slots ??= [];
        for (int i = t_slots.Count - 1; i >= 0; i--)
        {
            if (!t_slots[i].Owner.TryGetTarget(out MetricsRecorder? owner))
            {
                t_slots.RemoveAt(i);
            }
            else if (ReferenceEquals(owner, this))
            {
                return t_slot = t_slots[i];
            }
        }

        var slot = new ThreadSlot(_id, new WeakReference<MetricsRecorder>(this), new SampleBuffer(_bufferCapacity));
        t_slots.Add(slot);
        lock (_registrationLock)
        {
            _buffers = [.. _buffers, slot.Buffer];
        }

        t_slot = slot;
        return slot;
    }

    // The id is what the hot path compares; the weak owner lets a thread drop the buffers of runs
    // that have finished (tests run several runs in one process).
    private sealed record ThreadSlot(long RecorderId, WeakReference<MetricsRecorder> Owner, SampleBuffer Buffer);
}

/// <summary>A statistics row: requests grouped by method and name, as in Locust.</summary>
/// <param name="Method">HTTP method, or another request type such as <c>TASK</c>.</param>
/// <param name="Name">The request name given by the scenario, or the URL path.</param>
public readonly record struct RowKey(string Method, string Name);

/// <summary>An exception thrown by user code, with where it came from.</summary>
internal readonly record struct UserError(string Source, Exception Exception);
