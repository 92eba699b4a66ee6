using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Stampede.Core.Tests.Payloads;

public sealed class ImagePoolTests
{
    private static readonly ImagePool Pool = Images.Create(32, 24, count: 4, seed: 3);

    [Fact]
    public async Task Next_RoundRobin_WrapsTheNextImageWithItsContentType()
    {
        ImagePool pool = Images.Create(32, 24, count: 3, seed: 3);

        for (int turn = 0; turn < 7; turn++)
        {
            using HttpContent content = pool.Next();
            content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
            (await content.ReadAsByteArrayAsync()).ShouldBe(pool[turn % 3].ToArray(), $"turn {turn}");
        }
    }

    [Fact]
    public void NextBytes_ManyThreads_EveryImageEquallyOftenWithNoDuplicateInACycle()
    {
        const int Threads = 4;
        const int PerThread = 2_000;
        var turns = new ConcurrentBag<byte[]>();

        Concurrently.Run(Threads, () =>
        {
            var mine = new byte[PerThread][];
            for (int i = 0; i < PerThread; i++)
            {
                mine[i] = Pool.NextBytes();
            }

            foreach (byte[] image in mine)
            {
                turns.Add(image);
            }
        });

        // Calls are a multiple of the pool size, so a shared round-robin counter hands each image out exactly as often.
        for (int i = 0; i < Pool.Count; i++)
        {
            byte[] image = ArrayOf(Pool[i]);
            turns.Count(t => ReferenceEquals(t, image))
                .ShouldBe(Threads * PerThread / Pool.Count, $"image {i}");
        }
    }

    [Fact]
    public void NextBytes_SeededRandom_SameSequenceEveryTime()
    {
        int[] first = Picks(new Random(42));
        int[] second = Picks(new Random(42));

        second.ShouldBe(first);
        first.Distinct().Count().ShouldBe(Pool.Count, "50 uniform picks out of 4 reach every image");
    }

    [Fact]
    public void Next_SeededRandom_WrapsThePickedImage()
    {
        using HttpContent content = Pool.Next(new Random(9));

        content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
        content.Headers.ContentLength.ShouldBe(Pool.NextBytes(new Random(9)).Length);
    }

    [Fact]
    public void TotalBytes_IsTheSumOfTheImages()
    {
        Pool.TotalBytes.ShouldBe(Pool.Sum(image => (long)image.Length));
        Pool.AverageBytes.ShouldBe(Pool.TotalBytes / 4);
    }

    private static int[] Picks(Random random)
    {
        var picks = new int[50];
        for (int i = 0; i < picks.Length; i++)
        {
            byte[] image = Pool.NextBytes(random);
            picks[i] = Enumerable.Range(0, Pool.Count).Single(j => ReferenceEquals(ArrayOf(Pool[j]), image));
        }

        return picks;
    }

    private static byte[] ArrayOf(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment) ? segment.Array! : throw new InvalidOperationException("not array-backed");
}
