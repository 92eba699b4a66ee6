using System.Collections.Concurrent;

namespace Stampede.Core.Tests.Payloads;

public sealed class FeederTests
{
    [Fact]
    public void Next_Circular_HandsOutInOrderAndStartsOver()
    {
        Feeder<int> feeder = Feeders.From([10, 20, 30]);

        Enumerable.Range(0, 7).Select(_ => feeder.Next()).ShouldBe([10, 20, 30, 10, 20, 30, 10]);
        feeder.Remaining.ShouldBe(3, "a circular feeder never runs out");
    }

    [Fact]
    public void Next_CircularFromManyThreads_EachItemEquallyOften()
    {
        const int Threads = 4;
        const int PerThread = 2_500;
        Feeder<int> feeder = Feeders.From(Enumerable.Range(0, 100));
        int[] seen = new int[100];

        Concurrently.Run(Threads, () =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                Interlocked.Increment(ref seen[feeder.Next()]);
            }
        });

        seen.ShouldAllBe(count => count == Threads * PerThread / 100);
    }

    [Fact]
    public void Next_ReadOnceFromManyThreads_EachItemExactlyOnceThenStopUser()
    {
        const int Items = 10_000;
        Feeder<int> feeder = Feeders.From(Enumerable.Range(0, Items), FeederMode.ReadOnce);
        var taken = new ConcurrentBag<int>();
        int stops = 0;

        Concurrently.Run(4, () =>
        {
            while (true)
            {
                try
                {
                    taken.Add(feeder.Next());
                }
                catch (StopUserException)
                {
                    Interlocked.Increment(ref stops);
                    return;
                }
            }
        });

        taken.Count.ShouldBe(Items);
        taken.Distinct().Count().ShouldBe(Items);
        stops.ShouldBe(4, "every taker is stopped once the feeder is exhausted");
        feeder.Remaining.ShouldBe(0);
        Should.Throw<StopUserException>(() => feeder.Next()).Message.ShouldContain("exhausted");
        Should.Throw<StopUserException>(() => feeder.Next(new Random(1)));
    }

    [Fact]
    public void TryNext_ReadOnceExhausted_ReturnsFalse()
    {
        Feeder<string> feeder = Feeders.From(["token-a", "token-b"], FeederMode.ReadOnce);

        feeder.TryNext(out string? first).ShouldBeTrue();
        first.ShouldBe("token-a");
        feeder.Remaining.ShouldBe(1);
        feeder.TryNext(out _).ShouldBeTrue();
        feeder.TryNext(out string? none).ShouldBeFalse();
        none.ShouldBeNull();
        feeder.Remaining.ShouldBe(0);
    }

    [Fact]
    public void Next_RandomWithSeededRandom_ReproducibleAndUniform()
    {
        Feeder<int> feeder = Feeders.From(Enumerable.Range(0, 10), FeederMode.Random);

        int[] first = Draws(feeder, new Random(7), 20_000);
        int[] second = Draws(feeder, new Random(7), 20_000);

        second.ShouldBe(first);
        first.Take(10).ShouldNotBe(Enumerable.Range(0, 10), "random, not round-robin");
        foreach (IGrouping<int, int> item in first.GroupBy(x => x))
        {
            (item.Count() / 20_000.0).ShouldBe(0.1, 0.01, $"share of item {item.Key}");
        }
    }

    [Fact]
    public void Next_RandomWithoutRandom_PicksLoadedItems()
    {
        Feeder<int> feeder = Feeders.From([1, 2, 3], FeederMode.Random);

        Enumerable.Range(0, 100).Select(_ => feeder.Next()).ShouldAllBe(x => x >= 1 && x <= 3);
    }

    [Fact]
    public void From_CopiesTheItems()
    {
        var source = new List<int> { 1, 2 };
        Feeder<int> feeder = Feeders.From(source);

        source.Add(3);

        feeder.Count.ShouldBe(2);
    }

    [Fact]
    public void From_Empty_Throws()
    {
        Should.Throw<ArgumentException>(() => Feeders.From(Array.Empty<int>()));
    }

    [Fact]
    public void From_UndefinedMode_ThrowsNamingMode()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Feeders.From([1], (FeederMode)7)).ParamName.ShouldBe("mode");
    }

    private static int[] Draws(Feeder<int> feeder, Random random, int count)
    {
        var draws = new int[count];
        for (int i = 0; i < count; i++)
        {
            draws[i] = feeder.Next(random);
        }

        return draws;
    }
}
