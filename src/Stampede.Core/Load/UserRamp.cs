namespace Stampede.Load;

/// <summary>
/// The spawn arithmetic of a closed-model run: given the target and the clock, how many users to
/// start or stop now. Users change one at a time, 1/rate seconds apart, scheduled against absolute
/// times so a late control loop catches up instead of drifting.
/// </summary>
internal sealed class UserRamp
{
    private double _nextChangeAt = double.NaN; // seconds since start when the next user may start or stop

    /// <summary>User slots filled (spawned and not stopped by the ramp; a user that stopped itself keeps its slot, so it is not replaced).</summary>
    public int Users { get; private set; }

    /// <summary>When the next change is due, in seconds since start, or <see langword="null"/> when the target is reached.</summary>
    public double? NextChangeAt => double.IsNaN(_nextChangeAt) ? null : _nextChangeAt;

    /// <summary>
    /// Returns how many users to start (positive) or stop (negative) at <paramref name="elapsedSeconds"/>
    /// to move toward <paramref name="target"/>, and counts them as done.
    /// </summary>
    public int Step(double elapsedSeconds, LoadTarget target)
    {
        if (Users == target.Users)
        {
            _nextChangeAt = double.NaN;
            return 0;
        }

        double interval = 1.0 / target.SpawnRate;
        if (double.IsNaN(_nextChangeAt))
        {
            _nextChangeAt = elapsedSeconds; // a new ramp starts now with its first user
        }

        int delta = 0;
        int direction = target.Users > Users ? 1 : -1;

        // A tiny epsilon absorbs floating-point error in k * interval.
        while (Users != target.Users && _nextChangeAt <= elapsedSeconds + 1e-9)
        {
            Users += direction;
            delta += direction;
            _nextChangeAt += interval;
        }

        if (Users == target.Users)
        {
            _nextChangeAt = double.NaN;
        }

        return delta;
    }
}
