using Stampede.Monitoring.Prometheus;

namespace Stampede.Core.Tests.Monitoring.Prometheus;

public sealed class LabelSetTests
{
    private static LabelSet Set(params (string Name, string Value)[] pairs) =>
        new(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));

    [Fact]
    public void Constructor_PairsInAnyOrder_SortedByNameOrdinal()
    {
        LabelSet set = Set(("mode", "idle"), ("cpu", "0"), ("Zone", "a"));

        set.Pairs.Select(p => p.Key).ShouldBe(["Zone", "cpu", "mode"]);
    }

    [Fact]
    public void Equals_SamePairsDifferentOrder_EqualWithSameHashCode()
    {
        LabelSet a = Set(("cpu", "0"), ("mode", "idle"));
        LabelSet b = Set(("mode", "idle"), ("cpu", "0"));

        a.Equals(b).ShouldBeTrue();
        a.Equals((object)b).ShouldBeTrue();
        a.GetHashCode().ShouldBe(b.GetHashCode());
        new HashSet<LabelSet> { a, b }.Count.ShouldBe(1);
    }

    [Fact]
    public void Equals_DifferentValueOrExtraLabel_NotEqual()
    {
        LabelSet a = Set(("cpu", "0"), ("mode", "idle"));

        a.Equals(Set(("cpu", "1"), ("mode", "idle"))).ShouldBeFalse();
        a.Equals(Set(("cpu", "0"), ("mode", "idle"), ("x", "y"))).ShouldBeFalse();
        a.Equals(Set(("cpu", "0"))).ShouldBeFalse();
        a.Equals(null).ShouldBeFalse();
        LabelSet.Empty.Equals(Set()).ShouldBeTrue();
    }

    [Fact]
    public void Constructor_NameGivenTwice_KeepsTheLastValue()
    {
        Set(("a", "1"), ("b", "2"), ("a", "3")).ToString().ShouldBe("{a=\"3\",b=\"2\"}");
    }

    [Fact]
    public void Get_PresentAndAbsentNames_ValueOrNull()
    {
        LabelSet set = Set(("a", "1"), ("b", "2"), ("c", "3"), ("d", "4"), ("e", "5"));

        set.Get("a").ShouldBe("1");
        set.Get("c").ShouldBe("3");
        set.Get("e").ShouldBe("5");
        set.Get("B").ShouldBeNull();
        set.Get("f").ShouldBeNull();
        LabelSet.Empty.Get("a").ShouldBeNull();
    }

    [Fact]
    public void ToString_ValuesWithQuotesBackslashesNewlines_EscapedAsPrometheusWritesThem()
    {
        LabelSet set = Set(("path", "C:\\tmp"), ("msg", "say \"hi\"\nbye"));

        set.ToString().ShouldBe("{msg=\"say \\\"hi\\\"\\nbye\",path=\"C:\\\\tmp\"}");
        LabelSet.Empty.ToString().ShouldBe("");
    }

    [Fact]
    public void ToString_ParsedBack_GivesTheSameSet()
    {
        LabelSet set = Set(("path", "C:\\tmp"), ("msg", "say \"hi\"\nbye"), ("le", "+Inf"));

        LabelSet parsed = ExpositionParser.Parse($"m{set} 1\n").Families.ShouldHaveSingleItem().Samples[0].Labels;

        parsed.ShouldBe(set);
    }

    [Fact]
    public void Without_DropsNamedLabels_KeepsTheRest()
    {
        LabelSet bucket = Set(("le", "0.5"), ("model_name", "llama"), ("engine", "0"));

        LabelSet series = bucket.Without("le", "quantile");

        series.ShouldBe(Set(("engine", "0"), ("model_name", "llama")));
        series.ToString().ShouldBe("{engine=\"0\",model_name=\"llama\"}");
        bucket.Without("absent").ShouldBeSameAs(bucket);
        bucket.Without("le", "model_name", "engine").ShouldBeSameAs(LabelSet.Empty);
    }

    [Fact]
    public void Without_BucketsOfOneSeries_GiveEqualSets()
    {
        Exposition exposition = ExpositionParser.Parse(PrometheusFixtures.Read("vllm.prom"));

        var series = exposition.Find("vllm:e2e_request_latency_seconds")!.Samples
            .Select(s => s.Labels.Without("le"))
            .Distinct()
            .ToList();

        series.ShouldHaveSingleItem().Get("model_name").ShouldBe("meta-llama/Llama-3.1-8B-Instruct");
    }
}
