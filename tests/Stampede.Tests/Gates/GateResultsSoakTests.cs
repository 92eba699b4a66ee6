using System.Collections;
using Stampede.Analysis;
using Stampede.Cli;
using Stampede.Gates;
using Stampede.Load;
using Stampede.Reports;
using Stampede.Tests.Analysis;

namespace Stampede.Tests.Gates;

/// <summary>The soak check (<c>--soak</c>) on synthetic runs whose drift is known.</summary>
public sealed class GateResultsSoakTests
{
    [Fact]
    public void Evaluate_SoakWithLatencyRising_FailsTheChecksWithExitCodeThree()
    {
        // predict: 20 ms + 6 ms a minute for 90 s; judged from 10 s: +8 ms over the run.
        RunResult result = DriftRun.Build(90, DriftRun.Rising(20, 6), soak: true).Result;

        GateResults gates = GateResults.Evaluate(new GateInputs { Soak = true }, result);

        gates.Failed.ShouldBeTrue();
        gates.ExitCode(result, exitCodeOnError: 1).ShouldBe(StampedeApp.CheckFailedExitCode);
        gates.Drift.Select(d => d.Label).ShouldBe(["p95 of Aggregated", "p95 of GET /health", "p95 of POST predict"], "latency and memory are judged, throughput is not");
        string failure = gates.Failures.Single(f => f.Contains("POST predict", StringComparison.Ordinal));
        failure.ShouldStartWith("drift: p95 of POST predict rising 6 ms/min (+8 ms over the run, +");
        gates.Describe().ShouldContain("FAILED 2 of 3 checks: drift: p95 of Aggregated rising");
    }

    [Fact]
    public void Evaluate_WithoutSoak_RisingLatencyReportedButTheRunPasses()
    {
        RunResult result = DriftRun.Build(90, DriftRun.Rising(20, 6), soak: false).Result;

        GateResults gates = GateResults.Evaluate(GateInputs.None, result);

        result.Drift!.Series.ShouldContain(s => s.Row == "POST predict" && s.Direction == DriftDirection.Rising);
        gates.IsEmpty.ShouldBeTrue();
        gates.Failed.ShouldBeFalse();
        gates.ExitCode(result, exitCodeOnError: 1).ShouldBe(0);
    }

    [Fact]
    public void Evaluate_SoakWithFlatLatencyAndRisingMemory_FailsOnMemoryOnly()
    {
        RunResult result = DriftRun.Build(90, _ => 20, soak: true, memoryBytes: s => 300e6 + (2e6 * s)).Result;

        GateResults gates = GateResults.Evaluate(new GateInputs { Soak = true }, result);

        gates.Count.ShouldBe(4);
        gates.Failures.ShouldHaveSingleItem().ShouldBe("drift: process_resident_memory_bytes of demo rising 114 MiB/min (+153 MiB over the run, +40.1%)");
        gates.ExitCode(result, exitCodeOnError: 1).ShouldBe(3);
    }

    [Fact]
    public void Evaluate_SoakWithFlatSeries_Passes()
    {
        RunResult result = DriftRun.Build(90, _ => 20, soak: true, memoryBytes: _ => 300e6).Result;

        GateResults gates = GateResults.Evaluate(new GateInputs { Soak = true }, result);

        gates.Failed.ShouldBeFalse();
        gates.Describe().ShouldBe("; all 4 checks passed");
        gates.ExitCode(result, exitCodeOnError: 1).ShouldBe(0);
    }

    [Fact]
    public void Evaluate_SoakOnARunTooShortToJudge_FailsAsNoData()
    {
        RunResult result = DriftRun.Build(40, DriftRun.Rising(20, 6), soak: true).Result;

        GateResults gates = GateResults.Evaluate(new GateInputs { Soak = true }, result);

        result.Drift.ShouldBeNull();
        gates.SoakNoData.ShouldBe("no data: 30 one-second intervals after the warm-up, 60 needed");
        gates.Failures.ShouldBe(["soak (no data: 30 one-second intervals after the warm-up, 60 needed)"]);
        gates.ExitCode(result, exitCodeOnError: 1).ShouldBe(3);
    }

    [Fact]
    public async Task LoadAsync_SoakFlag_JudgesTheRunBySoak()
    {
        CliSettings settings = new CommandLine("test").Parse(["--soak"], new Hashtable()).Settings!;

        (GateInputs? inputs, string? problem) = await GateInputs.LoadAsync(settings, CancellationToken.None);

        problem.ShouldBeNull();
        inputs!.Soak.ShouldBeTrue();
    }

    [Fact]
    public void ToXml_SoakChecks_OneCasePerJudgedSeriesInASoakSuite()
    {
        RunReport report = DriftRun.Build(90, DriftRun.Rising(20, 6), soak: true);
        GateResults gates = GateResults.Evaluate(new GateInputs { Soak = true }, report.Result);

        string xml = JUnitWriter.ToXml(new JUnitChecks { Timestamp = report.Result.Stats.StartedAt, Duration = report.Result.Stats.Elapsed, Drift = gates.Drift });

        xml.ShouldContain("<testsuite name=\"stampede.soak\" tests=\"3\" failures=\"2\" errors=\"0\" skipped=\"0\"");
        xml.ShouldContain("<testcase classname=\"stampede.soak\" name=\"p95 of POST predict\" time=\"0\">\n      <failure message=\"drift: p95 of POST predict rising 6 ms/min");
        xml.ShouldContain("<testcase classname=\"stampede.soak\" name=\"p95 of GET /health\" time=\"0\">\n      <system-out>p95 of GET /health: stable, slope 0 ms/min");
    }

    [Fact]
    public void ToXml_SoakWithoutData_OneFailedCase()
    {
        string xml = JUnitWriter.ToXml(new JUnitChecks { Timestamp = DateTimeOffset.UnixEpoch, Duration = TimeSpan.FromSeconds(40), SoakNoData = "no data: 30 one-second intervals after the warm-up, 60 needed" });

        xml.ShouldContain("<testsuite name=\"stampede.soak\" tests=\"1\" failures=\"1\"");
        xml.ShouldContain("type=\"no-data\"");
    }
}
