using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Stampede.Tests.Targets;

/// <summary>
/// A model server with a known cold start, for <c>--target-command</c>: a Python http.server on 127.0.0.1 that binds
/// <c>D</c> seconds after its process started (so its ready URL answers D seconds after the spawn) and sleeps <c>P</c>
/// seconds more on its first request that is not the ready probe; <c>/unavailable</c> always answers 503. It prints its
/// pid and process group on its first line.
/// </summary>
internal sealed class SlowStartTarget
{
    private const string Script = """
        import os, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        port, delay, penalty = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])

        # The delay counts from this process's start (its fork, in clock ticks since boot), not from the end of the
        # interpreter's own start-up, which takes 50-400 ms on a busy machine and is not the server's to choose.
        with open("/proc/self/stat") as f:
            started = int(f.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
        up = time.clock_gettime(time.CLOCK_BOOTTIME) - started
        print("pid", os.getpid(), "pgid", os.getpgid(0), flush=True)
        print("interpreter up after %.0f ms" % (up * 1000), flush=True)
        time.sleep(max(0.0, delay - up))
        lock = threading.Lock()
        first = [True]

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes: with Nagle on, the client's delayed ACK holds the body ~40 ms.
            disable_nagle_algorithm = True

            def do_GET(self):
                if self.path == "/unavailable":
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path != "/ready":
                    with lock:
                        slow, first[0] = first[0], False
                    if slow:
                        time.sleep(penalty)
                body = b"ok"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        print("listening on", port, flush=True)
        server.serve_forever()
        """;

    private SlowStartTarget(string scriptPath, int port)
    {
        ScriptPath = scriptPath;
        Port = port;
    }

    /// <summary>The interpreter: Debian's own, not a pyenv shim (a shim's bash start-up adds ~0.2 s and varies more).</summary>
    public static string Python { get; } = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public string ScriptPath { get; }

    public int Port { get; }

    public string Address => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}");

    public string ReadyUrl => Address + "/ready";

    /// <summary>Writes the script into <paramref name="directory"/> and picks a free loopback port.</summary>
    public static SlowStartTarget Create(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "slow_start.py");
        File.WriteAllText(path, Script);
        return new SlowStartTarget(path, FreePort());
    }

    /// <summary>The command that starts it with a ready delay of <paramref name="delay"/> and a first-request penalty of <paramref name="penalty"/>.</summary>
    public string Command(TimeSpan delay, TimeSpan penalty) => string.Create(
        CultureInfo.InvariantCulture, $"{Python} {ScriptPath} {Port} {delay.TotalSeconds:0.###} {penalty.TotalSeconds:0.###}");

    /// <summary>A port nothing listens on (bound, read and released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The live (not zombie) processes of <paramref name="group"/>, read from /proc independently of the code under test.</summary>
    public static IReadOnlyList<int> GroupMembers(int group)
    {
        var members = new List<int>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && Stat(pid) is { } stat && stat.Group == group && stat.State != "Z")
            {
                members.Add(pid);
            }
        }

        return members;
    }

    /// <summary>Whether <paramref name="pid"/> still runs (a zombie counts as gone: it only waits to be reaped).</summary>
    public static bool Runs(int pid) => Stat(pid) is { State: not "Z" };

    private static (string State, int Group)? Stat(int pid)
    {
        try
        {
            string text = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            string[] fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0], int.Parse(fields[2], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
