using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Stampede.Targets;

/// <summary>Stopping: SIGTERM to the whole process group, SIGKILL after the stop timeout, and waiting until none of it is left.</summary>
internal sealed partial class TargetProcess
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private static readonly TimeSpan GonePollInterval = TimeSpan.FromMilliseconds(20);

    private readonly Lock _stopGate = new();
    private Task? _stopTask;
    private int? _exitCode;

    /// <summary>
    /// Stops the server: SIGTERM to its process group (and its standard input closed), then, for whatever is left
    /// after <see cref="TargetProcessOptions.StopTimeout"/>, SIGKILL. Returns once no process of the group is left
    /// (zombies awaiting their new parent excepted) and the log is closed. Safe to call more than once.
    /// </summary>
    /// <returns>A task that completes when the process group is gone.</returns>
    public Task StopAsync()
    {
        lock (_stopGate)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    /// <summary>Whether any process of the server is still running: the group's members, or the leader without a group.</summary>
    public bool IsAlive => ProcessGroupId is { } group ? GroupAlive(group) : !LeaderExited();

    /// <summary>Waits until the shell's <c>setsid</c> has made it the leader of a new group, and records that group.</summary>
    private async Task ResolveGroupAsync()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsFreeBSD() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        int own = SysGetPgrp();
        long started = Environment.TickCount64;
        while (Environment.TickCount64 - started < GroupSetupTimeout.TotalMilliseconds)
        {
            int group = SysGetPgid(ProcessId);
            if (group == ProcessId && group != own)
            {
                ProcessGroupId = group;
                return;
            }

            if (group < 0 || LeaderExited())
            {
                // Gone already (a command that failed at once): setsid ran before the shell could, so any process the
                // command left behind is in the group named after this pid.
                ProcessGroupId = ProcessId != own ? ProcessId : null;
                return;
            }

            // Process.Start returns once setsid is exec'ed; its setsid() call follows within microseconds.
            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    private async Task StopCoreAsync()
    {
        try
        {
            if (IsAlive)
            {
                Signal(SigTerm);
                CloseStandardInput();
                if (!await WaitGoneAsync(_options.StopTimeout).ConfigureAwait(false))
                {
                    LogNote(string.Create(CultureInfo.InvariantCulture, $"[stampede] still running {_options.StopTimeout.TotalSeconds:0.#} s after SIGTERM: SIGKILL"));
                    Signal(SigKill);
                    await WaitGoneAsync(_options.StopTimeout).ConfigureAwait(false);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The process ended between the checks: nothing left to stop.
        }

        // Only now: a second Ctrl-C while the group was still stopping must still reach it.
        UnwatchExits();
        _exitCode ??= ExitCodeOrNull();
        CloseStandardInput();
        await DrainAsync().ConfigureAwait(false);
        CloseLog();
        _process.Dispose();
    }

    private async Task<bool> WaitGoneAsync(TimeSpan timeout)
    {
        long started = Environment.TickCount64;
        while (IsAlive)
        {
            if (Environment.TickCount64 - started >= timeout.TotalMilliseconds)
            {
                return false;
            }

            await Task.Delay(GonePollInterval).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Sends <paramref name="signal"/> to the whole group, or without one to the process (SIGKILL: its tree).</summary>
    private void Signal(int signal)
    {
        if (ProcessGroupId is { } group)
        {
            // The group is this command's own (checked when it was resolved), never this process's.
            TryKill(-group, signal);
            return;
        }

        if (OperatingSystem.IsWindows() || signal == SigKill)
        {
            KillTree();
            return;
        }

        if (!LeaderExited())
        {
            TryKill(ProcessId, signal);
        }
    }

    /// <summary>SIGKILL to everything at once, synchronously: the process is exiting without having stopped the server.</summary>
    private void KillNow()
    {
        try
        {
            if (IsAlive)
            {
                Signal(SigKill);
            }
        }
#pragma warning disable CA1031 // Runs while the process exits: nothing may escape it, and there is nobody left to tell.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private bool LeaderExited()
    {
        try
        {
            return _process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already exited, or gone while its tree was walked.
        }
    }

    private void CloseStandardInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The pipe is already closed.
        }
    }

    /// <summary>Whether a process of <paramref name="group"/> is running (zombies, which only wait to be reaped, do not count).</summary>
    internal static bool GroupAlive(int group)
    {
        if (!Directory.Exists("/proc/self"))
        {
            return TryKill(-group, 0);
        }

        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            ReadOnlySpan<char> name = Path.GetFileName(directory.AsSpan());
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            if (ReadStat(directory) is { } stat && stat.Group == group && stat.State != 'Z')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The state and process group of one <c>/proc/PID</c>, or null when it is gone.</summary>
    internal static (char State, int Group)? ReadStat(string procDirectory)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(procDirectory, "stat"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ')'.
        int close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        string[] fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 3 && fields[0].Length == 1 && int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int pgrp)
            ? (fields[0][0], pgrp)
            : null;
    }

    private static bool TryKill(int pid, int signal)
    {
        try
        {
            return SysKill(pid, signal) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc here: the stop ends in a kill of the process tree instead.
            return false;
        }
    }

    private static int SysGetPgrp()
    {
        try
        {
            return GetPgrp();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }
    }

    private static int SysGetPgid(int pid)
    {
        try
        {
            return GetPgid(pid);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SysKill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int GetPgid(int pid);

    [LibraryImport("libc", EntryPoint = "getpgrp")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int GetPgrp();
}
