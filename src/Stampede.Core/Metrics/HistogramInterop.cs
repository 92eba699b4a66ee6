using System.Buffers.Binary;
using System.IO.Compression;

namespace Stampede.Metrics;

/// <summary>
/// Rewrites histogram bytes from HdrHistogram.NET's encoder into the exact form HdrHistogram's
/// Java, Go and Python ports write and read (the <c>HISTFAAAA…</c> strings of <c>.hlog</c> files), so a
/// run document's histograms can be loaded anywhere.
/// </summary>
/// <remarks>
/// HdrHistogram.NET 2.5 compresses its whole scratch buffer (mostly zeros) and ends the zlib stream
/// without its Adler-32 trailer. Java's <c>Inflater</c> tolerates that; Python's <c>zlib.decompress</c>
/// and Go's <c>zlib.Reader</c> reject it. The rewrite inflates only the V2 header and payload and
/// compresses them again as a complete zlib stream. HdrHistogram.NET reads both forms.
/// </remarks>
internal static class HistogramInterop
{
    /// <summary>The V2 compressed-encoding cookie: Java's <c>V2CompressedEncodingCookieBase</c> (0x1c849304) with the 0x10 flag.</summary>
    public const int CompressedCookie = 0x1c849314;

    /// <summary>The V2 uncompressed header: cookie, payload length, normalizing index offset, significant digits (4 bytes each), lowest, highest (8 each) and the conversion ratio (8).</summary>
    private const int V2HeaderLength = 40;

    /// <summary>The standard compressed V2 bytes of the histogram in <paramref name="encoded"/>.</summary>
    /// <exception cref="InvalidDataException"><paramref name="encoded"/> is not a compressed V2 histogram.</exception>
    public static byte[] ToStandardEncoding(byte[] encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoded.Length < 10 || BinaryPrimitives.ReadInt32BigEndian(encoded) != CompressedCookie)
        {
            throw new InvalidDataException("Not an HdrHistogram V2 compressed histogram (cookie 0x1c849314).");
        }

        int compressedLength = Math.Min(BinaryPrimitives.ReadInt32BigEndian(encoded.AsSpan(4)), encoded.Length - 8);
        if (compressedLength < 2)
        {
            throw new InvalidDataException("The histogram's compressed length is too small.");
        }

        // Skip the 2-byte zlib header; the deflate data follows.
        byte[] uncompressed;
        using (var inflater = new DeflateStream(new MemoryStream(encoded, 10, compressedLength - 2, writable: false), CompressionMode.Decompress))
        {
            try
            {
                var header = new byte[V2HeaderLength];
                inflater.ReadExactly(header);
                int payloadLength = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
                if (payloadLength < 0)
                {
                    throw new InvalidDataException("The histogram's payload length is negative.");
                }

                uncompressed = new byte[V2HeaderLength + payloadLength];
                header.CopyTo(uncompressed, 0);
                inflater.ReadExactly(uncompressed, V2HeaderLength, payloadLength);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException("The histogram is truncated.", e);
            }
        }

        using var output = new MemoryStream((uncompressed.Length / 2) + 64);
        output.Write(stackalloc byte[8]); // cookie and length, filled in below
        using (var deflater = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(uncompressed);
        }

        byte[] result = output.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(result, CompressedCookie);
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(4), result.Length - 8);
        return result;
    }
}
