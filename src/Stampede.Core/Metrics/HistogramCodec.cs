using HdrHistogram;
using HdrHistogram.Utilities;

namespace Stampede.Metrics;

/// <summary>HdrHistogram's compressed V2 encoding (the one its Java, Go, Python and JavaScript ports read), as bytes.</summary>
public static class HistogramCodec
{
    [ThreadStatic]
    private static ByteBuffer? t_scratch;

    /// <summary>Encodes <paramref name="histogram"/> (values in µs) into compressed bytes.</summary>
    public static byte[] Encode(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        // The scratch buffer is as large as the uncompressed counts (~190 KB): reuse it per thread
        // rather than putting one on the large-object heap for every row every second.
        int needed = histogram.GetNeededByteBufferCapacity();
        ByteBuffer buffer = t_scratch is { } cached && cached.Capacity() >= needed ? cached : (t_scratch = ByteBuffer.Allocate(needed));
        buffer.Position = 0;
        int length = HistogramEncoding.EncodeIntoCompressedByteBuffer(histogram, buffer);

        // ByteBuffer keeps its array to itself; read the encoded bytes back one by one.
        var bytes = new byte[length];
        buffer.Position = 0;
        for (int i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }

        return HistogramInterop.ToStandardEncoding(bytes);
    }

    /// <summary>Decodes bytes written by <see cref="Encode"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an encoded histogram (a damaged document).</exception>
    public static HistogramBase Decode(byte[] encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        try
        {
            return HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(encoded), 0);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not InvalidDataException)
        {
            // The decoder reports damage as whatever its reads trip on (an index, a cookie, a zlib stream).
            throw new InvalidDataException($"a histogram is damaged ({e.GetType().Name}: {e.Message})", e);
        }
    }

    /// <summary>Decodes the base64 text of a document's <c>histogram</c> field.</summary>
    /// <exception cref="InvalidDataException">The text is not base64, or not an encoded histogram.</exception>
    public static HistogramBase DecodeBase64(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(encoded);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"a histogram is damaged: {e.Message}", e);
        }

        return Decode(bytes);
    }
}
