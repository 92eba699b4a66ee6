namespace Stampede.Core.Tests.Payloads;

public sealed class WeightedMixTests
{
    [Fact]
    public void Next_SevenToThree_WithinOnePercentOver100kDraws()
    {
        var mix = new WeightedMix<string> { { 7, "small" }, { 3, "large" } };
        var random = new Random(2024);

        int small = 0;
        for (int i = 0; i < 100_000; i++)
        {
            if (mix.Next(random) == "small")
            {
                small++;
            }
        }

        (small / 100_000.0).ShouldBe(0.70, 0.01);
    }

    [Fact]
    public void Next_ManyItems_EachPickedInProportion()
    {
        var mix = new WeightedMix<int> { { 1, 0 }, { 2, 1 }, { 3, 2 }, { 4, 3 } };
        var random = new Random(5);
        int[] counts = new int[4];

        for (int i = 0; i < 100_000; i++)
        {
            counts[mix.Next(random)]++;
        }

        for (int item = 0; item < 4; item++)
        {
            (counts[item] / 100_000.0).ShouldBe((item + 1) / 10.0, 0.01, $"item {item}");
        }
    }

    [Fact]
    public void Next_SameSeed_SameSequence()
    {
        var mix = new WeightedMix<char> { { 5, 'a' }, { 3, 'b' }, { 2, 'c' } };

        string first = Draw(mix, new Random(11));
        string second = Draw(mix, new Random(11));

        second.ShouldBe(first);
        first.Distinct().Count().ShouldBe(3);
    }

    [Fact]
    public void Next_ImagePools_PicksThePoolsThemselves()
    {
        ImagePool tiny = Images.Create(8, 8, count: 1);
        var mix = new WeightedMix<ImagePool> { { 1, tiny } };

        mix.Next(new Random(1)).ShouldBeSameAs(tiny);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Add_WeightBelowOne_ThrowsNamingWeight(int weight)
    {
        var mix = new WeightedMix<string>();

        Should.Throw<ArgumentOutOfRangeException>(() => mix.Add(weight, "x")).ParamName.ShouldBe("weight");
    }

    [Fact]
    public void Next_Empty_Throws()
    {
        Should.Throw<InvalidOperationException>(() => new WeightedMix<string>().Next(new Random(1)));
    }

    [Fact]
    public void GetEnumerator_ListsWeightsAndItemsInOrder()
    {
        var mix = new WeightedMix<string> { { 7, "small" }, { 3, "large" } };

        mix.ToList().ShouldBe([(7, "small"), (3, "large")]);
        mix.Count.ShouldBe(2);
        mix.TotalWeight.ShouldBe(10);
    }

    private static string Draw(WeightedMix<char> mix, Random random) =>
        new(Enumerable.Range(0, 200).Select(_ => mix.Next(random)).ToArray());
}
