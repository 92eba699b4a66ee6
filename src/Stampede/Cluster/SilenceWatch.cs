using System.Diagnostics;

namespace Stampede.Cluster;

/// <summary>
/// How long an agent has not heard its coordinator, counting only the time the agent could have heard it: each tick of
/// the watch that comes late (the agent's threads were starved, a heartbeat may sit unread in its socket) adds its
/// lateness to a starved time that the silence leaves out, until contact resets both.
/// </summary>
/// <param name="period">How often <see cref="Tick"/> is meant to be called.</param>
internal sealed class SilenceWatch(TimeSpan period)
{
    /// <summary>Lateness of a tick that is only the timer's slack, not starvation.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(100);

    private long _lastTick = -1;
    private long _contactSeen = -1;
    private TimeSpan _starved;

    /// <summary>The silence at <paramref name="now"/>, the last contact having been at <paramref name="lastContact"/> (timestamps).</summary>
    public TimeSpan Tick(long now, long lastContact)
    {
        if (lastContact != _contactSeen)
        {
            _contactSeen = lastContact;
            _starved = TimeSpan.Zero;
        }

        if (_lastTick >= 0)
        {
            TimeSpan late = Stopwatch.GetElapsedTime(_lastTick, now) - period;
            if (late > Slack)
            {
                _starved += late;
            }
        }

        _lastTick = now;
        TimeSpan silent = Stopwatch.GetElapsedTime(lastContact, now) - _starved;
        return silent < TimeSpan.Zero ? TimeSpan.Zero : silent;
    }
}
