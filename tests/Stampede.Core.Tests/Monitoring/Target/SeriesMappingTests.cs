using Stampede.Monitoring;

namespace Stampede.Core.Tests.Monitoring.Target;

public sealed class SeriesMappingTests
{
    [Theory]
    [InlineData("queue=my_queue_depth", TargetResource.Queue, "my_queue_depth", "")]
    [InlineData(" Queue = my_queue_depth ", TargetResource.Queue, "my_queue_depth", "")]
    [InlineData("gpu-memory=vllm:kv_cache_usage_perc", TargetResource.GpuMemory, "vllm:kv_cache_usage_perc", "")]
    [InlineData("concurrency=inflight{pool=\"gpu\"}", TargetResource.Concurrency, "inflight", "pool=gpu")]
    [InlineData("concurrency=inflight {pool = \"gpu\", zone=\"a b\",}", TargetResource.Concurrency, "inflight", "pool=gpu;zone=a b")]
    [InlineData("queue=waits_total{name=\"say \\\"hi\\\"\"}", TargetResource.Queue, "waits_total", "name=say \"hi\"")]
    [InlineData("replicas=kube_deployment_status_replicas_available{deployment=\"api\"}", TargetResource.Replicas, "kube_deployment_status_replicas_available", "deployment=api")]
    public void TryParse_Valid_ResourceMetricAndLabels(string text, TargetResource resource, string metric, string labels)
    {
        bool parsed = SeriesMapping.TryParse(text, out SeriesMapping? mapping, out string? error);

        parsed.ShouldBeTrue(error);
        error.ShouldBeNull();
        mapping.ShouldNotBeNull();
        mapping.Resource.ShouldBe(resource);
        mapping.Metric.ShouldBe(metric);
        string.Join(";", mapping.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")).ShouldBe(labels);
    }

    [Theory]
    [InlineData("my_queue_depth", "'my_queue_depth' is not valid")]
    [InlineData("=my_queue_depth", "'=my_queue_depth' is not valid")]
    [InlineData("bogus=my_queue_depth", "'bogus' is not a resource")]
    [InlineData("queue=", "'' is not a metric name")]
    [InlineData("queue=9lives", "'9lives' is not a metric name (letters, digits, '_' and ':', not starting with a digit)")]
    [InlineData("queue=my-queue", "'my-queue' is not a metric name")]
    [InlineData("queue=depth{pool=\"gpu\"", "the labels have no closing '}'")]
    [InlineData("queue=depth{pool=gpu}", "the labels are not valid (expected a quoted value)")]
    [InlineData("queue=depth{\"gpu\"}", "the labels are not valid (expected label=\"value\")")]
    [InlineData("queue=depth{pool=\"gpu}", "the labels are not valid (unterminated value)")]
    public void TryParse_Invalid_SaysWhatIsWrongAndWhatIsValid(string text, string problem)
    {
        bool parsed = SeriesMapping.TryParse(text, out SeriesMapping? mapping, out string? error);

        parsed.ShouldBeFalse();
        mapping.ShouldBeNull();
        error.ShouldNotBeNull();
        error.ShouldStartWith($"'{text}'");
        error.ShouldContain(problem);
        error.ShouldContain("give RESOURCE=SERIES or RESOURCE=SERIES{label=\"value\"}, where RESOURCE is one of cpu, memory, gpu, gpu-memory, network, disk, queue, concurrency, replicas, e.g. --watch queue=my_queue_depth");
    }

    [Fact]
    public void ToString_WithLabels_WrittenAsOnTheCommandLineSortedByName()
    {
        SeriesMapping.TryParse("CONCURRENCY=inflight{zone=\"a\",pool=\"gpu\"}", out SeriesMapping? mapping, out _).ShouldBeTrue();

        mapping!.ToString().ShouldBe("concurrency=inflight{pool=\"gpu\",zone=\"a\"}");
    }
}
