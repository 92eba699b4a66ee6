using Stampede.Demo.Inference;

namespace Stampede.Demo.Tests.Inference;

public sealed class PrototypeSetTests
{
    [Fact]
    public void Match_EmbeddingNearOnePrototype_ReturnsItWithItsCosineSimilarity()
    {
        var embeddings = Enumerable.Range(0, PrototypeSet.Names.Count).Select(i => UnitVector(i, 512)).ToArray();
        var set = new PrototypeSet(embeddings);
        var query = UnitVector(5, 512);
        query[6] = 1.5f; // between prototypes 5 and 6, nearer 6

        var (index, similarity) = set.Match(query);

        index.ShouldBe(6);
        similarity.ShouldBe(1.5f / MathF.Sqrt(1 + (1.5f * 1.5f)), 1e-6f);
    }

    [Fact]
    public void Render_SamePrototypeTwice_SamePixels()
    {
        for (var i = 0; i < PrototypeSet.Names.Count; i++)
        {
            using var first = PrototypeSet.Render(i);
            using var second = PrototypeSet.Render(i);

            first.Width.ShouldBe(224);
            first.GetPixelSpan().SequenceEqual(second.GetPixelSpan()).ShouldBeTrue(PrototypeSet.Names[i]);
        }
    }

    [Fact]
    public void Names_AreSixteenAndDistinct()
    {
        PrototypeSet.Names.Count.ShouldBe(16);
        PrototypeSet.Names.Distinct().Count().ShouldBe(16);
    }

    private static float[] UnitVector(int axis, int length)
    {
        var vector = new float[length];
        vector[axis] = 1;
        return vector;
    }
}
