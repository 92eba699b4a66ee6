using System.Globalization;

namespace Stampede.Core.Tests.Monitoring.Target;

/// <summary>A folder laid out like procfs (<c>PID/stat</c>, <c>stat</c>, <c>meminfo</c>) with hand-written contents; deleted on dispose.</summary>
internal sealed class FakeProcRoot : IDisposable
{
    public FakeProcRoot()
    {
        Path = Directory.CreateTempSubdirectory("stampede-proc-").FullName;

        // What a real /proc also holds: names that are not processes.
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "self"));
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "sys"));
    }

    public string Path { get; }

    /// <summary>Writes <c>PID/stat</c> as the kernel does: the command name in parentheses (it may hold spaces and ')'), then fields 3 to 52.</summary>
    public void Process(int pid, int parent, long userTicks, long systemTicks, long rssPages, string command = "python3 (uvicorn) worker")
    {
        string dir = System.IO.Path.Combine(Path, pid.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);

        // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime priority nice
        // num_threads itrealvalue starttime vsize rss rsslim …; cutime/cstime (reaped children) are set high: they must not count.
        string stat = string.Create(
            CultureInfo.InvariantCulture,
            $"{pid} ({command}) S {parent} {pid} {pid} 0 -1 4194560 1200 0 3 0 {userTicks} {systemTicks} 9999 9999 20 0 4 0 123456 987654321 {rssPages} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
        File.WriteAllText(System.IO.Path.Combine(dir, "stat"), stat);
    }

    public void Exit(int pid) => Directory.Delete(System.IO.Path.Combine(Path, pid.ToString(CultureInfo.InvariantCulture)), recursive: true);

    public void Write(string name, string contents) => File.WriteAllText(System.IO.Path.Combine(Path, name), contents);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
