using System.Net;

namespace Stampede.Web;

/// <summary>Where the live web dashboard listens and who may use it (<c>--web-host</c>, <c>--web-port</c>, <c>--web-auth</c>).</summary>
internal sealed record DashboardOptions
{
    /// <summary>Locust's web UI port, so muscle memory and firewall rules carry over.</summary>
    public const int DefaultPort = 8089;

    /// <summary>The loopback address the dashboard binds to unless told otherwise.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>The address to bind: an IP address, <c>localhost</c>, or <c>*</c> / <c>0.0.0.0</c> / <c>::</c> for every interface.</summary>
    public string Host { get; init; } = DefaultHost;

    /// <summary>The TCP port; 0 picks a free one (the printed URL names it).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary><c>user:password</c> for HTTP Basic authentication on every endpoint, or <see langword="null"/> for none (loopback only).</summary>
    public string? Auth { get; init; }

    /// <summary>Starts a run with the command line's users, spawn rate and host as soon as the dashboard is up (Locust's <c>--autostart</c>).</summary>
    public bool Autostart { get; init; }

    /// <summary>
    /// The address to bind, or <see langword="null"/> with a message saying what would be valid. A host name other
    /// than <c>localhost</c> is refused: binding by name would hide which interfaces are exposed.
    /// </summary>
    public IPAddress? BindAddress(out string? problem)
    {
        problem = null;
        string host = Host.Trim();
        switch (host.ToLowerInvariant())
        {
            case "localhost":
                return IPAddress.Loopback;
            case "*" or "0.0.0.0":
                return IPAddress.Any;
            case "::" or "[::]":
                return IPAddress.IPv6Any;
        }

        if (IPAddress.TryParse(host.TrimStart('[').TrimEnd(']'), out IPAddress? address))
        {
            return address;
        }

        problem = $"--web-host: '{Host}' is not valid; give an IP address such as 127.0.0.1 (the default, this machine only), localhost, or 0.0.0.0 for every interface (which needs --web-auth).";
        return null;
    }

    /// <summary>Checks the options before anything listens: a bad address, a malformed <c>--web-auth</c>, or a non-loopback address without credentials.</summary>
    /// <returns>Messages naming the flag and what would be valid; empty when the dashboard may start.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        IPAddress? address = BindAddress(out string? problem);
        if (problem is not null)
        {
            problems.Add(problem);
        }

        if (Port is < 0 or > 65535)
        {
            problems.Add($"--web-port: '{Port}' is not valid; give a TCP port from 1 to 65535 (0 picks a free one).");
        }

        if (Auth is { } auth && (auth.IndexOf(':', StringComparison.Ordinal) is <= 0 || auth.EndsWith(':')))
        {
            problems.Add("--web-auth: give user:password, both not empty (STAMPEDE_WEB_AUTH keeps it out of the process list).");
        }

        if (address is not null && !IPAddress.IsLoopback(address) && Auth is null)
        {
            problems.Add($"--web-host {Host} would let anyone who can reach this machine start load tests from it; add --web-auth user:password, or leave --web-host at 127.0.0.1 (the default).");
        }

        return problems;
    }
}
