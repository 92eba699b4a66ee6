using HdrHistogram;
using Stampede.Metrics;

namespace Stampede.Core.Tests.Metrics;

/// <summary>The agents' sparse histogram form: read back, a histogram has the same counts to the bucket; damage is refused.</summary>
public sealed class HistogramWireTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5_000)]
    public void AddTo_RandomHistogram_SameCountsAndSameStandardEncoding(int samples)
    {
        var random = new Random(samples);
        var original = new LongHistogram(1, RowAccumulator.HighestTrackableMicros, 3);
        for (int i = 0; i < samples; i++)
        {
            original.RecordValue((long)Math.Exp(random.NextDouble() * 21)); // 1 µs to about 1,300 s
        }

        var first = new LongHistogram(1, RowAccumulator.HighestTrackableMicros, 3);
        var second = new LongHistogram(1, RowAccumulator.HighestTrackableMicros, 3);
        first.RecordValue(42);

        HistogramWire.AddTo(HistogramWire.Encode(original), first, second);

        second.TotalCount.ShouldBe(original.TotalCount);
        Convert.ToBase64String(HistogramCodec.Encode(second)).ShouldBe(Convert.ToBase64String(HistogramCodec.Encode(original)));
        first.TotalCount.ShouldBe(original.TotalCount + 1, "added to what it held");
        if (samples > 0)
        {
            second.GetValueAtPercentile(99).ShouldBe(original.GetValueAtPercentile(99));
        }
    }

    [Fact]
    public void Encode_EmptyHistogram_IsAFewBytes()
    {
        HistogramWire.Encode(new LongHistogram(1, RowAccumulator.HighestTrackableMicros, 3)).Length.ShouldBeLessThanOrEqualTo(8);
    }

    [Fact]
    public void AddTo_OtherPrecision_IsRefused()
    {
        var two = new LongHistogram(1, RowAccumulator.HighestTrackableMicros, 2);
        two.RecordValue(10);

        InvalidDataException error = Should.Throw<InvalidDataException>(() => HistogramWire.AddTo(HistogramWire.Encode(two), new LongHistogram(1, RowAccumulator.HighestTrackableMicros, 3)));

        error.Message.ShouldContain("at 2 digits cannot be merged into one of 1..3600000000 at 3");
    }

    [Fact]
    public void AddTo_DamagedBytes_RefusedNeverThrowsAnythingElse()
    {
        var histogram = new LongHistogram(1, RowAccumulator.HighestTrackableMicros, 3);
        for (int i = 1; i < 2000; i += 7)
        {
            histogram.RecordValue(i * 13);
        }

        byte[] good = HistogramWire.Encode(histogram);
        var random = new Random(3);
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] damaged = (byte[])good.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            }

            byte[] cut = random.Next(4) == 0 ? damaged[..random.Next(damaged.Length)] : damaged;
            try
            {
                HistogramWire.AddTo(cut, new LongHistogram(1, RowAccumulator.HighestTrackableMicros, 3));
            }
            catch (InvalidDataException)
            {
                // Refused with a reason: what damage must give.
            }
        }
    }
}
