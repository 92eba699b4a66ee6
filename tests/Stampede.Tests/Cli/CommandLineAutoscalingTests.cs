using System.Collections;
using Spectre.Console.Testing;
using Stampede.Cli;

namespace Stampede.Tests.Cli;

public sealed class CommandLineAutoscalingTests
{
    private static readonly string[] Valid =
    [
        "--rate", "5", "--rate-stages", "20s:5,0s:30,60s:30", "--metrics-url", "http://127.0.0.1:8080/metrics", "--slo", "p95<500ms",
        "--expect-scale", "kube_deployment_status_replicas_available{deployment=\"model\"}",
    ];

    [Fact]
    public void Parse_AutoscalingFlags_ReadEverySettingIntoTheOptions()
    {
        ParseOutcome outcome = Parse([.. Valid, "--stable-for", "15s", "--max-recovery", "2m"]);

        outcome.Errors.ShouldBeEmpty();
        CliSettings s = outcome.Settings!;
        s.ExpectScale.ShouldBe("kube_deployment_status_replicas_available{deployment=\"model\"}");
        Stampede.Analysis.AutoscalingOptions options = s.ToAutoscalingOptions()!;
        options.StableFor.ShouldBe(TimeSpan.FromSeconds(15));
        options.MaxRecovery.ShouldBe(TimeSpan.FromMinutes(2));
        options.Mapping.Metric.ShouldBe("kube_deployment_status_replicas_available");
        options.Mapping.Labels["deployment"].ShouldBe("model");
    }

    [Fact]
    public void Parse_ExpectScaleAlone_DefaultsTenAndSixtySeconds()
    {
        CliSettings s = Parse(Valid).Settings!;

        s.StableFor.ShouldBe(TimeSpan.FromSeconds(10));
        s.MaxRecovery.ShouldBe(TimeSpan.FromSeconds(60));
        Parse(["--users", "3"]).Settings!.ToAutoscalingOptions().ShouldBeNull();
    }

    [Fact]
    public void Parse_ExpectScaleFromTheEnvironment_IsRead()
    {
        ParseOutcome outcome = new CommandLine("test").Parse([.. Valid[..^2]], new Hashtable { ["STAMPEDE_EXPECT_SCALE"] = "stampede_demo_workers_current" });

        outcome.Errors.ShouldBeEmpty();
        outcome.Settings!.ExpectScale.ShouldBe("stampede_demo_workers_current");
    }

    [Theory]
    [InlineData(new[] { "--rate", "5", "--rate-stages", "20s:5,0s:30,60s:30", "--slo", "p95<500ms", "--expect-scale", "workers" }, "--expect-scale workers reads the replicas from a metrics source, and none is given: add --metrics-url")]
    [InlineData(new[] { "--rate", "5", "--rate-stages", "20s:5,0s:30,60s:30", "--metrics-url", "http://127.0.0.1:1/metrics", "--expect-scale", "workers" }, "--expect-scale judges recovery by the --slo thresholds, and none is given")]
    [InlineData(new[] { "--expect-scale", "9workers" }, "--expect-scale: '9workers' is not a series: its name is not a metric name")]
    [InlineData(new[] { "--expect-scale", "workers{deployment=\"model\"" }, "its labels have no closing '}'")]
    [InlineData(new[] { "--stable-for", "5s" }, "--stable-for applies to the autoscaling validation only: add --expect-scale SERIES.")]
    [InlineData(new[] { "--max-recovery", "5s" }, "--max-recovery applies to the autoscaling validation only")]
    [InlineData(new[] { "--expect-scale", "w", "--stable-for", "1500ms" }, "--stable-for: '1500ms' is not a whole number of seconds")]
    [InlineData(new[] { "--expect-scale", "w", "--stable-for", "0s" }, "--stable-for: '0s' is not valid")]
    public void Parse_BadAutoscalingFlags_NamesTheFlagAndWhatIsValid(string[] args, string expected)
    {
        ParseOutcome outcome = Parse(args);

        outcome.Settings.ShouldBeNull();
        outcome.Errors.ShouldContain(e => e.Contains(expected), string.Join(Environment.NewLine, outcome.Errors));
    }

    [Fact]
    public async Task RunAsync_ExpectScaleWithoutMetricsUrl_IsAUsageErrorBeforeAnyRequest()
    {
        var errors = new StringWriter();

        int exit = await StampedeApp.RunAsync(
            ["--host", "http://127.0.0.1:9", "--headless", "--rate", "5", "--rate-stages", "2s:5,0s:20,2s:20", "--slo", "p95<500ms", "--expect-scale", "stampede_demo_workers_current"],
            [typeof(NoUser)], new TestConsole(), errors, new Hashtable(), TimeProvider.System, CancellationToken.None);

        exit.ShouldBe(StampedeApp.UsageErrorExitCode);
        errors.ToString().ShouldContain("error: --expect-scale stampede_demo_workers_current reads the replicas from a metrics source, and none is given");
    }

    [Theory]
    [InlineData("a steady rate", new[] { "--rate", "5", "--run-time", "30s" })]
    [InlineData("a run time that ends before the step", new[] { "--rate", "5", "--rate-stages", "20s:5,0s:30,60s:30", "--run-time", "10s" })]
    [InlineData("a constant crowd", new[] { "--users", "30", "--spawn-rate", "100", "--run-time", "30s" })]
    public async Task RunAsync_ExpectScaleWithoutSpikeInTheProfile_IsAUsageErrorBeforeAnyRequest(string profile, string[] load)
    {
        var errors = new StringWriter();

        int exit = await StampedeApp.RunAsync(
            ["--host", "http://127.0.0.1:9", "--headless", .. load, "--metrics-url", "http://127.0.0.1:9/metrics", "--slo", "p95<500ms", "--expect-scale", "stampede_demo_workers_current"],
            [typeof(NoUser)], new TestConsole(), errors, new Hashtable(), TimeProvider.System, CancellationToken.None);

        exit.ShouldBe(StampedeApp.UsageErrorExitCode, $"{profile}: {errors}");
        errors.ToString().ShouldContain("Autoscaling needs a spike in the load profile, and this one has none");
        errors.ToString().ShouldContain("--rate-stages 20s:5,0s:30,60s:30");
    }

    private static ParseOutcome Parse(string[] args) => new CommandLine("test").Parse(args, new Hashtable());

    internal sealed class NoUser : HttpUser
    {
        [Task]
        public Task Predict() => Client.GetAsync("/", name: "root");
    }
}
