using System.Collections;
using Stampede.Cli;
using Stampede.Monitoring;

namespace Stampede.Tests.Cli;

public sealed class CommandLineTargetTests
{
    [Fact]
    public void Parse_TargetFlags_ReadEverySetting()
    {
        ParseOutcome outcome = Parse(
            ["--metrics-url", "gpu=http://127.0.0.1:9400/metrics", "--metrics-url", "http://127.0.0.1:9100/metrics", "--metrics-interval", "500ms",
             "--metrics-timeout", "3s", "--watch-pid", "4242", "--watch-pid", "17", "--watch", "queue=my_queue_depth{pool=\"gpu\"}", "--strict"]);

        outcome.Errors.ShouldBeEmpty();
        CliSettings s = outcome.Settings!;
        s.MetricsEndpoints.Select(e => (e.Name, e.Url.ToString())).ShouldBe([("gpu", "http://127.0.0.1:9400/metrics"), ("127.0.0.1:9100", "http://127.0.0.1:9100/metrics")]);
        s.MetricsInterval.ShouldBe(TimeSpan.FromMilliseconds(500));
        s.MetricsTimeout.ShouldBe(TimeSpan.FromSeconds(3));
        s.WatchPids.ShouldBe([4242, 17]);
        SeriesMapping watch = s.Watches.ShouldHaveSingleItem();
        watch.Resource.ShouldBe(TargetResource.Queue);
        watch.Metric.ShouldBe("my_queue_depth");
        watch.Labels["pool"].ShouldBe("gpu");
        s.Strict.ShouldBeTrue();
    }

    [Fact]
    public void Parse_MetricsUrlsFromTheEnvironment_SplitOnSemicolons()
    {
        ParseOutcome outcome = new CommandLine("test").Parse([], new Hashtable { ["STAMPEDE_METRICS_URL"] = "node=http://127.0.0.1:9100/metrics;app=http://127.0.0.1:8080/metrics" });

        outcome.Errors.ShouldBeEmpty();
        outcome.Settings!.MetricsEndpoints.Select(e => e.Name).ShouldBe(["node", "app"]);
    }

    [Theory]
    [InlineData(new[] { "--metrics-url", "127.0.0.1:9100" }, "--metrics-url: '127.0.0.1:9100' is not an absolute http:// or https:// URL")]
    [InlineData(new[] { "--metrics-url", "a=http://127.0.0.1:1/m", "--metrics-url", "a=http://127.0.0.1:2/m" }, "the name 'a' is given to 2 sources")]
    [InlineData(new[] { "--metrics-interval", "10ms" }, "--metrics-interval: '10ms' is not valid; give a duration from 100ms to 5m")]
    [InlineData(new[] { "--watch-pid", "abc" }, "--watch-pid: 'abc' is not a process id")]
    [InlineData(new[] { "--watch", "gpus=DCGM_FI_DEV_GPU_UTIL" }, "'gpus' is not a resource")]
    [InlineData(new[] { "--watch", "queue=depth{pool=gpu}" }, "the labels are not valid")]
    public void Parse_BadTargetFlag_NamesTheFlagAndWhatIsValid(string[] args, string expected)
    {
        ParseOutcome outcome = Parse(args);

        outcome.Settings.ShouldBeNull();
        outcome.Errors.ShouldContain(e => e.Contains(expected), string.Join(Environment.NewLine, outcome.Errors));
    }

    private static ParseOutcome Parse(string[] args) => new CommandLine("test").Parse(args, new Hashtable());
}
