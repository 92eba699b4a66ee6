using Stampede.Monitoring;
using Stampede.Monitoring.Target;

namespace Stampede.Core.Tests.Monitoring.Target;

/// <summary>The user's <c>--watch RESOURCE=SERIES</c> mappings, for series the built-in catalog does not know.</summary>
public sealed class SeriesRecognizerMappingTests
{
    private readonly List<string> _warnings = [];
    private readonly HostFacts _hosts = new(localCores: 4, localMemoryBytes: 8e9);

    [Fact]
    public void Recognize_GaugeMapped_ValueAsReadOfThatResource()
    {
        SeriesRecognizer recognizer = Recognizer("queue=my_queue_depth");

        Observation depth = recognizer.Recognize(Expositions.Parse("# TYPE my_queue_depth gauge\nmy_queue_depth 17\nother_depth 3\n"), 1).ShouldHaveSingleItem();

        (depth.Name, depth.Kind, depth.Resource, depth.Value, depth.Unit).ShouldBe(("my_queue_depth", "gauge", (TargetResource?)TargetResource.Queue, 17d, "requests"));
        depth.Description.ShouldContain("--watch");
        recognizer.MatchedMappings.ShouldHaveSingleItem().Metric.ShouldBe("my_queue_depth");
    }

    [Fact]
    public void Recognize_MappingWithLabels_OnlyTheSamplesThatCarryThem()
    {
        SeriesRecognizer recognizer = Recognizer("concurrency=inflight{pool=\"gpu\"}");
        const string Text = "# TYPE inflight gauge\ninflight{pool=\"gpu\",zone=\"a\"} 3\ninflight{pool=\"cpu\",zone=\"a\"} 9\ninflight{zone=\"b\"} 11\n";

        Observation inflight = recognizer.Recognize(Expositions.Parse(Text), 1).ShouldHaveSingleItem();

        inflight.Value.ShouldBe(3);
        inflight.Labels.ToString().ShouldBe("{pool=\"gpu\",zone=\"a\"}");
        inflight.Resource.ShouldBe(TargetResource.Concurrency);
    }

    [Fact]
    public void Recognize_MappingThatMatchesNoLabels_MatchesNothing()
    {
        SeriesRecognizer recognizer = Recognizer("concurrency=inflight{pool=\"tpu\"}");

        IReadOnlyList<Observation> observed = recognizer.Recognize(Expositions.Parse("# TYPE inflight gauge\ninflight{pool=\"gpu\"} 3\n"), 1);

        observed.ShouldBeEmpty();
        recognizer.MatchedMappings.ShouldBeEmpty();
    }

    [Fact]
    public void Recognize_CounterMapped_PerSecondRate()
    {
        SeriesRecognizer recognizer = Recognizer("queue=jobs_enqueued_total");
        const string Text = "# TYPE jobs_enqueued_total counter\njobs_enqueued_total {0}\n";

        IReadOnlyList<Observation> atBase = recognizer.Recognize(Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, Text, 100)), 1);
        IReadOnlyList<Observation> later = recognizer.Recognize(Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, Text, 130)), 3);

        atBase.ShouldBeEmpty();
        recognizer.MatchedMappings.Count.ShouldBe(1);
        Observation rate = later.ShouldHaveSingleItem();
        (rate.Kind, rate.Value, rate.Unit).ShouldBe(("rate", 15d, "1/s"));
    }

    [Fact]
    public void Recognize_CpuSecondsCounterMapped_CoresOfTheLocalMachine()
    {
        SeriesRecognizer recognizer = Recognizer("cpu=worker_cpu_seconds_total", new ScriptedSource(isLocal: true, hostKey: "localhost"));
        const string Text = "# TYPE worker_cpu_seconds_total counter\nworker_cpu_seconds_total {0}\n";

        recognizer.Recognize(Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, Text, 10)), 1);
        Observation cpu = recognizer.Recognize(Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, Text, 13)), 2).ShouldHaveSingleItem();

        (cpu.Value, cpu.Unit, cpu.Capacity).ShouldBe((3d, "cores", (double?)4d));
        cpu.CapacitySource.ShouldBe("4 cores of this machine");
    }

    [Fact]
    public void Recognize_HistogramSecondsMapped_P95OfTheIntervalInMilliseconds()
    {
        // Arrange: in the interval, 20 observations ≤ 0.1 s and 80 in (0.1, 0.5]: p95 = 0.1 + 0.4 × 75/80 = 0.475 s.
        SeriesRecognizer recognizer = Recognizer("queue=wait_seconds{pool=\"gpu\"}");
        const string Text = "# TYPE wait_seconds histogram\n"
            + "wait_seconds_bucket{{pool=\"gpu\",le=\"0.1\"}} {0}\nwait_seconds_bucket{{pool=\"gpu\",le=\"0.5\"}} {1}\nwait_seconds_bucket{{pool=\"gpu\",le=\"+Inf\"}} {1}\n"
            + "wait_seconds_sum{{pool=\"gpu\"}} 10\nwait_seconds_count{{pool=\"gpu\"}} {1}\n"
            + "wait_seconds_bucket{{pool=\"cpu\",le=\"0.1\"}} 0\nwait_seconds_bucket{{pool=\"cpu\",le=\"0.5\"}} 0\nwait_seconds_bucket{{pool=\"cpu\",le=\"+Inf\"}} {1}\n";

        // Act
        recognizer.Recognize(Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, Text, 1000, 1000)), 1);
        IReadOnlyList<Observation> observed = recognizer.Recognize(Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, Text, 1020, 1100)), 2);

        // Assert
        Observation p95 = observed.ShouldHaveSingleItem();
        (p95.Kind, p95.Unit, p95.Resource).ShouldBe(("p95", "ms", (TargetResource?)TargetResource.Queue));
        p95.Labels.ToString().ShouldBe("{pool=\"gpu\"}");
        p95.Value.ShouldBe(475, 1e-9);
    }

    [Fact]
    public void Recognize_HistogramMappedOnTheFirstScrape_CountsAsMatchedBeforeAnyQuantile()
    {
        SeriesRecognizer recognizer = Recognizer("queue=wait_seconds");
        const string Text = "# TYPE wait_seconds histogram\nwait_seconds_bucket{le=\"0.1\"} 5\nwait_seconds_bucket{le=\"+Inf\"} 5\nwait_seconds_sum 0.2\nwait_seconds_count 5\n";

        IReadOnlyList<Observation> observed = recognizer.Recognize(Expositions.Parse(Text), 0);

        observed.ShouldBeEmpty();
        recognizer.MatchedMappings.ShouldHaveSingleItem();
    }

    [Fact]
    public void Recognize_HistogramCountMapped_RateNotAGauge()
    {
        SeriesRecognizer recognizer = Recognizer("concurrency=wait_seconds_count");
        const string Text = "# TYPE wait_seconds histogram\nwait_seconds_bucket{{le=\"+Inf\"}} {0}\nwait_seconds_sum 1\nwait_seconds_count {0}\n";

        recognizer.Recognize(Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, Text, 10)), 1);
        Observation count = recognizer.Recognize(Expositions.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, Text, 16)), 3).ShouldHaveSingleItem();

        (count.Kind, count.Value).ShouldBe(("rate", 3d));
    }

    private SeriesRecognizer Recognizer(string watch, ScriptedSource? source = null)
    {
        SeriesMapping.TryParse(watch, out SeriesMapping? mapping, out string? error).ShouldBeTrue(error);
        return new SeriesRecognizer(source ?? new ScriptedSource(), [mapping!], _hosts, _warnings.Add);
    }
}
