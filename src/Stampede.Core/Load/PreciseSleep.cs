using System.Runtime.InteropServices;

namespace Stampede.Load;

/// <summary>
/// Sleeps for a fraction of a millisecond where the OS allows it: on Linux through <c>nanosleep</c>, which the
/// kernel's high-resolution timers wake within about 0.05 ms (the default timer slack); .NET's own waits take
/// whole milliseconds. Elsewhere <see cref="IsSupported"/> is false and callers fall back to those.
/// </summary>
internal static partial class PreciseSleep
{
    /// <summary>Whether <see cref="Sleep"/> can sleep for less than a millisecond here.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>Blocks the calling thread for about <paramref name="milliseconds"/> (a signal may end it early).</summary>
    /// <param name="milliseconds">How long, above 0; at most a second is slept per call.</param>
    public static void Sleep(double milliseconds)
    {
        long nanoseconds = (long)(Math.Clamp(milliseconds, 0, 1000) * 1_000_000);
        var request = new TimeSpec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
        _ = NanoSleep(ref request, IntPtr.Zero);
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int NanoSleep(ref TimeSpec request, IntPtr remaining);

    /// <summary>struct timespec on 64-bit Linux: two 64-bit fields.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
