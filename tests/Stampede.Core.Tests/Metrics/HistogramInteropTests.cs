using System.Buffers.Binary;
using System.IO.Compression;
using HdrHistogram;
using Stampede.Metrics;

namespace Stampede.Core.Tests.Metrics;

public sealed class HistogramInteropTests
{
    [Fact]
    public void ToStandardEncoding_CodecBytes_GivesCompleteZlibStreamWithAdler32()
    {
        var histogram = new LongHistogram(1, 3_600_000_000, 3);
        for (long micros = 1_000; micros <= 1_000_000; micros += 1_000)
        {
            histogram.RecordValue(micros);
        }

        byte[] standard = HistogramInterop.ToStandardEncoding(HistogramCodec.Encode(histogram));

        BinaryPrimitives.ReadInt32BigEndian(standard).ShouldBe(0x1c849314);
        BinaryPrimitives.ReadInt32BigEndian(standard.AsSpan(4)).ShouldBe(standard.Length - 8);
        byte[] payload = Inflate(standard.AsSpan(8).ToArray());
        BinaryPrimitives.ReadInt32BigEndian(payload).ShouldBe(0x1c849313); // the V2 uncompressed cookie
        payload.Length.ShouldBe(40 + BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(4)));

        // Python's zlib.decompress and Go's zlib.Reader insist on the trailer HdrHistogram.NET leaves out.
        BinaryPrimitives.ReadUInt32BigEndian(standard.AsSpan(standard.Length - 4)).ShouldBe(Adler32(payload));
    }

    [Fact]
    public void ToStandardEncoding_CodecBytes_DecodesToTheSameHistogram()
    {
        var histogram = new LongHistogram(1, 3_600_000_000, 3);
        foreach (long micros in new long[] { 412, 1_500, 12_000, 250_000, 3_000_000 })
        {
            histogram.RecordValue(micros);
        }

        HistogramBase decoded = HistogramCodec.Decode(HistogramInterop.ToStandardEncoding(HistogramCodec.Encode(histogram)));

        decoded.TotalCount.ShouldBe(5);
        decoded.GetValueAtPercentile(50).ShouldBe(histogram.GetValueAtPercentile(50));
        decoded.GetValueAtPercentile(100).ShouldBe(histogram.GetValueAtPercentile(100));
        decoded.HighestTrackableValue.ShouldBe(3_600_000_000);
    }

    [Fact]
    public void ToStandardEncoding_NotAHistogram_ThrowsInvalidData()
    {
        Should.Throw<InvalidDataException>(() => HistogramInterop.ToStandardEncoding([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var input = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static uint Adler32(byte[] data)
    {
        const uint Modulus = 65521;
        uint a = 1, b = 0;
        foreach (byte value in data)
        {
            a = (a + value) % Modulus;
            b = (b + a) % Modulus;
        }

        return (b << 16) | a;
    }
}
