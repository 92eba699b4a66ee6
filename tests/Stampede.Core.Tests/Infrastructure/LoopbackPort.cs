using System.Net;
using System.Net.Sockets;

namespace Stampede.Core.Tests.Infrastructure;

/// <summary>Loopback ports for tests.</summary>
internal static class LoopbackPort
{
    /// <summary>A port of 127.0.0.1 nothing listens on: bound, read and released (free for a server to take, or refused when connected to).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
