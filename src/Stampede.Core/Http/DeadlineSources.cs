namespace Stampede.Http;

/// <summary>
/// The per-request deadline of one user's session, linked to the user's kill token: one cancellation source reused
/// request after request (its timer is re-armed, not re-made), where a new linked source and timer per request cost
/// about 270 bytes that live as long as the request (bench/Stampede.Benchmarks/HttpRequestBenchmarks.md). A request
/// sent while another is in flight gets its own.
/// </summary>
internal sealed class DeadlineSources(CancellationToken kill) : IDisposable
{
    private CancellationTokenSource? _idle;

    /// <summary>A source cancelled after <paramref name="timeout"/> or when the user is killed; give it back with <see cref="Return"/>.</summary>
    public CancellationTokenSource Rent(TimeSpan timeout)
    {
        CancellationTokenSource source = Interlocked.Exchange(ref _idle, null) ?? CancellationTokenSource.CreateLinkedTokenSource(kill);
        source.CancelAfter(timeout);
        return source;
    }

    /// <summary>Keeps <paramref name="source"/> for the next request unless it was cancelled (a timeout, a kill) or one is kept already.</summary>
    public void Return(CancellationTokenSource source)
    {
        // TryReset stops the timer and fails for a cancelled source, which is never reused.
        if (source.TryReset() && Interlocked.CompareExchange(ref _idle, source, null) is null)
        {
            return;
        }

        source.Dispose();
    }

    public void Dispose() => Interlocked.Exchange(ref _idle, null)?.Dispose();
}
