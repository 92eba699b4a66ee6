using System.Runtime.InteropServices;

namespace Stampede.Targets;

/// <summary>
/// The exits that skip the owner's <c>finally</c>: a second Ctrl-C or SIGTERM (the first one stops the run gracefully,
/// and the owner then stops the server), a hang-up, or <c>Environment.Exit</c>. Each sends SIGKILL to the whole group
/// first, synchronously, since nothing of this process runs afterwards.
/// </summary>
/// <remarks>
/// Measured with .NET 10: a SIGINT that no <see cref="PosixSignalRegistration"/> handler cancels ends the process
/// without running <see cref="AppDomain.ProcessExit"/>, so that event alone would leave the server running.
/// </remarks>
internal sealed partial class TargetProcess
{
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _interrupts;

    private void WatchExits()
    {
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
        try
        {
            _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt));
            _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnInterrupt));
            _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => KillNow()));
        }
        catch (PlatformNotSupportedException)
        {
            // No POSIX signals here: the exit handler and the standard input convention remain.
        }
    }

    private void UnwatchExits()
    {
        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        foreach (PosixSignalRegistration registration in _signals)
        {
            registration.Dispose();
        }

        _signals.Clear();
    }

    private void OnInterrupt(PosixSignalContext context)
    {
        // The first one is the run's to handle (it cancels and stops gracefully); a second one ends the process.
        if (Interlocked.Increment(ref _interrupts) >= 2)
        {
            KillNow();
        }
    }
}
