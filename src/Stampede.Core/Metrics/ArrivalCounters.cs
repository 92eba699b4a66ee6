namespace Stampede.Metrics;

/// <summary>
/// The open-model scheduler's bookkeeping, shared by the scheduler (writes) and the aggregator (reads):
/// arrivals due and dropped per second of their intended start, iterations started, the user pool.
/// </summary>
/// <remarks>Touched once per arrival, not per request; a lock keeps the per-second lists simple.</remarks>
internal sealed class ArrivalCounters(Func<double, double> expectedUntil, Func<double, double> rateAt, int maxUsers)
{
    private readonly Lock _lock = new();
    private readonly List<long> _due = [];
    private readonly List<long> _dropped = [];
    private long _totalDue;
    private long _totalDropped;
    private long _started;
    private int _users;
    private int _busy;
    private int _backlog;

    /// <summary>Iterations the schedule asks for between the start and <c>t</c> seconds (the rate's area).</summary>
    public double ExpectedUntil(double seconds) => expectedUntil(seconds);

    /// <summary>The target rate at <c>t</c> seconds, iterations/s.</summary>
    public double RateAt(double seconds) => rateAt(seconds);

    public int MaxUsers { get; } = maxUsers;

    public long TotalDue => Interlocked.Read(ref _totalDue);

    public long TotalDropped => Interlocked.Read(ref _totalDropped);

    public long Started => Interlocked.Read(ref _started);

    /// <summary>Users in the pool (idle or busy).</summary>
    public int Users
    {
        get => Volatile.Read(ref _users);
        set => Volatile.Write(ref _users, value);
    }

    /// <summary>Users running an iteration now.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Arrivals waiting for a free user (only with a backlog allowed).</summary>
    public int Backlog
    {
        get => Volatile.Read(ref _backlog);
        set => Volatile.Write(ref _backlog, value);
    }

    /// <summary>An arrival came due in <paramref name="second"/>; <paramref name="dropped"/> if no user could take it.</summary>
    public void Arrived(long second, bool dropped)
    {
        lock (_lock)
        {
            Grow(second);
            _due[(int)second]++;
            _totalDue++;
            if (dropped)
            {
                _dropped[(int)second]++;
                _totalDropped++;
            }
        }
    }

    /// <summary>A user began an iteration.</summary>
    public void IterationStarted()
    {
        Interlocked.Increment(ref _started);
        Interlocked.Increment(ref _busy);
    }

    /// <summary>A user finished an iteration.</summary>
    public void IterationEnded() => Interlocked.Decrement(ref _busy);

    /// <summary>Arrivals due and dropped in <paramref name="second"/> of their intended start.</summary>
    public (long Due, long Dropped) InSecond(long second)
    {
        lock (_lock)
        {
            return second < _due.Count ? (_due[(int)second], _dropped[(int)second]) : (0, 0);
        }
    }

    private void Grow(long second)
    {
        while (_due.Count <= second)
        {
            _due.Add(0);
            _dropped.Add(0);
        }
    }
}
