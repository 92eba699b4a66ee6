using Stampede.Load;
using Stampede.Metrics;

namespace Stampede;

/// <summary>
/// A virtual user: a class whose <see cref="TaskAttribute"/> methods run one after another, with
/// <see cref="WaitTime"/> between them, from <see cref="OnStartAsync"/> until the user is stopped.
/// </summary>
/// <remarks>
/// One instance per virtual user, created with its parameterless constructor; instances never run
/// two tasks at once, so fields need no locking.
/// </remarks>
public abstract class User
{
    private UserContext? _context;

    /// <summary>Think time after each task; read once when the user starts.</summary>
    /// <value><see cref="WaitTime.Zero"/>.</value>
    public virtual WaitTime WaitTime => WaitTime.Zero;

    /// <summary>The base address this class targets, overriding <c>--host</c>; <see langword="null"/> to use the run's.</summary>
    /// <value><see langword="null"/>.</value>
    public virtual string? Host => null;

    /// <summary>This user's number in the run, from 0 in spawn order.</summary>
    public int UserId => Context.UserId;

    /// <summary>This user's own random source, seeded from the run's seed and <see cref="UserId"/>.</summary>
    public Random Random => Context.Random;

    /// <summary>Cancelled when the run no longer waits for this user's current task (after <c>--stop-timeout</c>).</summary>
    public CancellationToken CancellationToken => Context.Kill;

    internal UserContext Context => _context ?? throw new InvalidOperationException(
        $"{GetType().Name} is not running yet: its members are available from OnStartAsync on, not in its constructor.");

    /// <summary>Runs once when the user starts, before its first task (log in, load a feeder row).</summary>
    public virtual Task OnStartAsync() => Task.CompletedTask;

    /// <summary>Runs once when the user stops (ramp-down or end of run), after its last task.</summary>
    public virtual Task OnStopAsync() => Task.CompletedTask;

    internal virtual void Attach(UserContext context) => _context = context;

    /// <summary>Runs <see cref="OnStartAsync"/>, then <see cref="Started"/>.</summary>
    internal async Task StartAsync()
    {
        await OnStartAsync().ConfigureAwait(false);
        Started();
    }

    /// <summary>After <see cref="OnStartAsync"/> has set the user up (its headers, its login).</summary>
    internal virtual void Started()
    {
    }

    internal virtual void Detach()
    {
    }
}

/// <summary>Everything a running user gets from its run.</summary>
internal sealed class UserContext(int userId, Random random, CancellationToken kill, MetricsRecorder recorder, TimeProvider time, RunSettings settings)
{
    public int UserId { get; } = userId;

    public Random Random { get; } = random;

    public CancellationToken Kill { get; } = kill;

    public MetricsRecorder Recorder { get; } = recorder;

    public TimeProvider Time { get; } = time;

    public RunSettings Settings { get; } = settings;

    private long _intendedStart;
    private bool _scheduled;

    /// <summary>Sets when the iteration about to run was due; its first request is measured from it.</summary>
    /// <param name="timestamp">A timestamp of <see cref="Time"/>.</param>
    /// <param name="scheduled">Whether the open-model scheduler set it (so the delay is scheduling lag).</param>
    public void SetIntendedStart(long timestamp, bool scheduled)
    {
        _intendedStart = timestamp;
        _scheduled = scheduled;
    }

    /// <summary>
    /// The intended start of a request sent at <paramref name="start"/>: the pending one set by
    /// <see cref="SetIntendedStart"/> (consumed, so only the iteration's first request gets it), else the send itself.
    /// </summary>
    public long TakeIntendedStart(long start, out bool scheduled)
    {
        long intended = _intendedStart;
        scheduled = _scheduled;
        _intendedStart = 0;
        _scheduled = false;
        return intended == 0 ? start : Math.Min(intended, start);
    }
}
