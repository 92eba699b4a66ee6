using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Stampede.Http;

/// <summary>
/// Local addresses the users' connections leave from (<c>--source-address</c>). One source address to one target
/// has about 28,000 ephemeral ports (Linux's default <c>ip_local_port_range</c>), so 50,000 users on one machine
/// against one loopback target need two or more: every 127.x.y.z is this machine's.
/// </summary>
public static class SourceAddresses
{
    /// <summary>The most addresses one range may give.</summary>
    public const int MaxRange = 4096;

    /// <summary>Reads one address (<c>127.0.0.2</c>, <c>::1</c>) or an inclusive IPv4 range (<c>127.0.0.1-127.0.0.8</c>).</summary>
    /// <exception cref="FormatException">The text, quoted, and what is valid.</exception>
    public static IReadOnlyList<IPAddress> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] ends = text.Split('-', 2, StringSplitOptions.TrimEntries);
        if (ends.Length == 1)
        {
            return [Address(text.Trim(), text)];
        }

        IPAddress first = Address(ends[0], text);
        IPAddress last = Address(ends[1], text);
        if (first.AddressFamily != AddressFamily.InterNetwork || last.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new FormatException($"'{text}': a range is of IPv4 addresses (127.0.0.1-127.0.0.8); give IPv6 ones one by one.");
        }

        uint from = BinaryPrimitives.ReadUInt32BigEndian(first.GetAddressBytes());
        uint to = BinaryPrimitives.ReadUInt32BigEndian(last.GetAddressBytes());
        if (to < from)
        {
            throw new FormatException($"'{text}' runs backwards: give the lower address first.");
        }

        long count = (long)to - from + 1;
        if (count > MaxRange)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{text}' holds {count} addresses; at most {MaxRange} (each gives about 28,000 connections)."));
        }

        var addresses = new IPAddress[count];
        byte[] bytes = new byte[4];
        for (long i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)(from + i));
            addresses[i] = new IPAddress(bytes);
        }

        return addresses;
    }

    /// <summary>The address user <paramref name="userId"/> connects from: the addresses in turn; <see langword="null"/> when there are none.</summary>
    public static IPAddress? For(IReadOnlyList<IPAddress> sources, int userId)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return sources.Count == 0 ? null : sources[userId % sources.Count];
    }

    /// <summary>Connects from <paramref name="source"/>: a socket bound to it (any port), then to the target.</summary>
    internal static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectFrom(IPAddress source) =>
        async (context, cancellationToken) =>
        {
            var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };

    private static IPAddress Address(string text, string whole) =>
        IPAddress.TryParse(text, out IPAddress? address)
            ? address
            : throw new FormatException($"'{whole}' is not an IP address or a range of them (127.0.0.2, 127.0.0.1-127.0.0.8, ::1).");
}
