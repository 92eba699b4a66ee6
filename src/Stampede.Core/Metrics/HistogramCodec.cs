using HdrHistogram;
using HdrHistogram.Utilities;

namespace Stampede.Metrics;

/// <summary>HdrHistogram's compressed V2 encoding (the one its Java, Go and Python ports read), as bytes.</summary>
public static class HistogramCodec
{
    /// <summary>Encodes <paramref name="histogram"/> (values in µs) into compressed bytes.</summary>
    public static byte[] Encode(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var array = new byte[histogram.GetNeededByteBufferCapacity()];
        var buffer = ByteBuffer.Allocate(array);
        int length = HistogramEncoding.EncodeIntoCompressedByteBuffer(histogram, buffer);
        return array.AsSpan(0, length).ToArray();
    }

    /// <summary>Decodes bytes written by <see cref="Encode"/>.</summary>
    public static HistogramBase Decode(byte[] encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        return HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(encoded), 0);
    }
}
