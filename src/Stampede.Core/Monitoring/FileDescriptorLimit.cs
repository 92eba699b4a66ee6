using System.Globalization;

namespace Stampede.Monitoring;

/// <summary>
/// How many files (sockets among them) this process may open. Each user owns its connection, so 25,000 users need
/// 25,000 sockets; past the limit a connection fails with "Too many open files". .NET raises the soft limit to the
/// hard one when a process starts, so the limit read here is the one that holds, and only the hard limit can be raised.
/// </summary>
internal static class FileDescriptorLimit
{
    /// <summary>Descriptors kept for everything but the users' sockets: the runtime, logs, outputs, the dashboard, scrapes.</summary>
    public const int Reserve = 64;

    /// <summary>This process's limit from <c>/proc/self/limits</c>; <see langword="null"/> when unlimited or not known (not Linux).</summary>
    public static long? Current()
    {
        try
        {
            return OperatingSystem.IsLinux() ? Parse(File.ReadAllText("/proc/self/limits")) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The soft limit on the <c>Max open files</c> line of a <c>/proc/PID/limits</c> text; <see langword="null"/> when unlimited or absent.</summary>
    public static long? Parse(string limits)
    {
        foreach (string line in limits.Split('\n'))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                continue;
            }

            string[] fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long soft) ? soft : null;
        }

        return null;
    }

    /// <summary>What to tell the user when <paramref name="users"/>, one connection each, do not fit in <paramref name="limit"/>; otherwise <see langword="null"/>.</summary>
    public static string? Check(int users, long? limit) =>
        limit is { } files && users + Reserve > files
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"{users} users need {users} sockets (one connection each), but this process may open {files} files (ulimit -n), {Reserve} of them kept for the rest: connections beyond that fail with \"Too many open files\". Raise the hard limit (as root: ulimit -Hn 1048576 before the run; LimitNOFILE= for a systemd service; --ulimit nofile=1048576:1048576 for Docker), let users share connections (--shared-connections), or spread the users over more generators.")
            : null;
}
