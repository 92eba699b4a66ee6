using System.Buffers;
using HdrHistogram;
using HdrHistogram.Iteration;

namespace Stampede.Metrics;

/// <summary>
/// The sparse form in which a distributed run's agents send their histograms: only the recorded buckets, each as a
/// value and its count. Written and read through HdrHistogram's public API (its recorded-values iteration and
/// <see cref="HistogramBase.RecordValueWithCount"/>), so a histogram read back into one of the same range and
/// precision has the very same counts: merging stays exact.
/// </summary>
/// <remarks>
/// <para>
/// Why not HdrHistogram's compressed V2 encoding (<see cref="HistogramCodec"/>, what run documents keep): HdrHistogram.NET
/// deflates its whole counts buffer (about 190 KB) for every histogram, and decoding allocates a new histogram of that
/// size. Measured in <c>bench/Stampede.Benchmarks</c> (ClusterMergeBenchmarks.md) for one second of ten rows: 12.8 ms and
/// 15 MB allocated on the agent, 4.3 ms and 6.4 MB on the coordinator, most of it on the large-object heap, which a load
/// generator's collections then pause for. This form costs a walk over the used part of the counts.
/// </para>
/// <para>
/// Layout: a version byte (1); the highest trackable value and the significant digits (LEB128 varints); the number of
/// recorded buckets; then, per bucket in increasing order, the value's difference from the previous bucket's and the
/// count (varints). An empty histogram is 4 or 5 bytes.
/// </para>
/// </remarks>
internal static class HistogramWire
{
    private const byte Version = 1;

    /// <summary>The recorded buckets of <paramref name="histogram"/>.</summary>
    public static byte[] Encode(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteByte(buffer, Version);
        WriteVarint(buffer, histogram.HighestTrackableValue);
        WriteVarint(buffer, histogram.NumberOfSignificantValueDigits);
        int count = 0;
        var entries = new ArrayBufferWriter<byte>(256);
        long previous = 0;
        foreach (HistogramIterationValue bucket in histogram.RecordedValues())
        {
            long value = bucket.ValueIteratedTo;
            WriteVarint(entries, value - previous);
            WriteVarint(entries, bucket.CountAtValueIteratedTo);
            previous = value;
            count++;
        }

        WriteVarint(buffer, count);
        buffer.Write(entries.WrittenSpan);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Adds the buckets in <paramref name="encoded"/> to <paramref name="first"/> and, when given, <paramref name="second"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a histogram in this form, or one of another range or precision.</exception>
    public static void AddTo(ReadOnlySpan<byte> encoded, HistogramBase? first, HistogramBase? second = null)
    {
        int position = 0;
        if (encoded.Length == 0 || encoded[position++] != Version)
        {
            throw new InvalidDataException("a histogram is damaged: not a Stampede wire histogram (version 1)");
        }

        long highest = ReadVarint(encoded, ref position);
        long digits = ReadVarint(encoded, ref position);
        foreach (HistogramBase? target in new[] { first, second })
        {
            if (target is not null && (target.HighestTrackableValue != highest || target.NumberOfSignificantValueDigits != digits))
            {
                throw new InvalidDataException($"a histogram of range 1..{highest} at {digits} digits cannot be merged into one of 1..{target.HighestTrackableValue} at {target.NumberOfSignificantValueDigits}");
            }
        }

        long buckets = ReadVarint(encoded, ref position);
        long value = 0;
        for (long i = 0; i < buckets; i++)
        {
            value += ReadVarint(encoded, ref position);
            long count = ReadVarint(encoded, ref position);
            if (value < 0 || value > highest || count <= 0)
            {
                throw new InvalidDataException("a histogram is damaged: a bucket out of range");
            }

            first?.RecordValueWithCount(value, count);
            second?.RecordValueWithCount(value, count);
        }

        if (position != encoded.Length)
        {
            throw new InvalidDataException("a histogram is damaged: bytes after its last bucket");
        }
    }

    private static void WriteByte(ArrayBufferWriter<byte> buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> buffer, long value)
    {
        ulong v = (ulong)value;
        Span<byte> span = buffer.GetSpan(10);
        int n = 0;
        while (v >= 0x80)
        {
            span[n++] = (byte)(v | 0x80);
            v >>= 7;
        }

        span[n++] = (byte)v;
        buffer.Advance(n);
    }

    private static long ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= bytes.Length)
            {
                throw new InvalidDataException("a histogram is damaged: it ends inside a number");
            }

            byte b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return (long)value;
            }
        }

        throw new InvalidDataException("a histogram is damaged: a number longer than 64 bits");
    }
}
