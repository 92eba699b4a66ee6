using System.Text.Json;
using Stampede.Analysis;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Tests.Reports;
using Stampede.Web;

namespace Stampede.Tests.Web;

/// <summary>The thresholds in the dashboard's events, written from views built on real histograms with known values.</summary>
public sealed class DashboardEventsTests
{
    private static readonly Threshold P95 = Threshold.Parse("p95<300ms");
    private static readonly Threshold Rps = Threshold.Parse("rps>=48 abort");
    private static readonly Threshold ErrorRate = Threshold.Parse("error_rate<1%");
    private static readonly Threshold Missing = Threshold.Parse("\"<b>missing</b>\": p99<1s");

    [Fact]
    public void Write_ReadyViewWithThresholds_ListsThemUnmeasured()
    {
        var view = new DashboardView { Version = 1, RunId = 0, State = DashboardRunState.Ready, Thresholds = [P95, Rps] };

        JsonElement e = Write(view);

        e.TryGetProperty("rows", out _).ShouldBeFalse();
        e.GetProperty("thresholdsFinal").GetBoolean().ShouldBeFalse();
        JsonElement[] thresholds = [.. e.GetProperty("thresholds").EnumerateArray()];
        thresholds.Select(t => t.GetProperty("expression").GetString()).ShouldBe(["p95<300ms", "rps>=48 abort"]);
        thresholds.ShouldAllBe(t => t.GetProperty("result").GetString() == "noData" && t.GetProperty("measured").ValueKind == JsonValueKind.Null);
        thresholds[0].GetProperty("note").GetString().ShouldBe("not measured yet");
        thresholds[0].GetProperty("unit").GetString().ShouldBe("ms");
        thresholds[0].GetProperty("limit").GetDouble().ShouldBe(300);
        thresholds[0].GetProperty("abort").GetBoolean().ShouldBeFalse();
        thresholds[1].GetProperty("unit").GetString().ShouldBe("requests/s");
        thresholds[1].GetProperty("abort").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public void Write_WithoutThresholds_HasNoThresholdsField()
    {
        JsonElement e = Write(new DashboardView { Version = 1, RunId = 1, State = DashboardRunState.Running, Stats = TenPerSecondFor10Seconds() });

        e.TryGetProperty("thresholds", out _).ShouldBeFalse();
        e.TryGetProperty("thresholdsFinal", out _).ShouldBeFalse();
    }

    [Fact]
    public void Write_RunningView_MeasuresEachThresholdOnTheSnapshot()
    {
        // 100 requests of 100 ms over 10 s: p95 = 100 ms, 10 requests/s, no failures, no row "<b>missing</b>".
        var view = new DashboardView
        {
            Version = 3,
            RunId = 1,
            State = DashboardRunState.Running,
            Stats = TenPerSecondFor10Seconds(),
            Thresholds = [P95, Rps, ErrorRate, Missing],
        };

        JsonElement e = Write(view);

        e.GetProperty("thresholdsFinal").GetBoolean().ShouldBeFalse();
        JsonElement[] t = [.. e.GetProperty("thresholds").EnumerateArray()];
        t[0].GetProperty("result").GetString().ShouldBe("pass");
        t[0].GetProperty("metric").GetString().ShouldBe("p95");
        t[0].GetProperty("measured").GetDouble().ShouldBe(100, tolerance: 0.1);
        t[0].GetProperty("measuredText").GetString()!.ShouldEndWith(" ms");
        t[1].GetProperty("result").GetString().ShouldBe("fail");
        t[1].GetProperty("measured").GetDouble().ShouldBe(10, tolerance: 0.01);
        t[1].GetProperty("limit").GetDouble().ShouldBe(48);
        t[1].GetProperty("abortedRun").GetBoolean().ShouldBeFalse();
        t[2].GetProperty("result").GetString().ShouldBe("pass");
        t[2].GetProperty("unit").GetString().ShouldBe("ratio");
        t[2].GetProperty("limit").GetDouble().ShouldBe(0.01);
        t[2].GetProperty("measured").GetDouble().ShouldBe(0);
        t[3].GetProperty("result").GetString().ShouldBe("noData");
        t[3].GetProperty("row").GetString().ShouldBe("<b>missing</b>");
        t[3].GetProperty("measured").ValueKind.ShouldBe(JsonValueKind.Null);
        t[3].GetProperty("note").GetString()!.ShouldNotBeEmpty();
        e.TryGetProperty("abortedBy", out _).ShouldBeFalse();
    }

    [Fact]
    public void Write_StoppedView_CarriesTheEndOfRunResultsAndTheAbort()
    {
        StatsSnapshot stats = TenPerSecondFor10Seconds();
        // The end-of-run results as the run measured them (47 req/s here, not the 10 the stats would give), so the
        // event provably sends RunResult.Thresholds rather than measuring again.
        var rpsAtEnd = new ThresholdResult(Rps, CheckOutcome.Failed, 47);
        var result = new RunResult
        {
            Stats = stats,
            StopReason = StopReason.ThresholdAborted,
            Seed = 1,
            EndedAt = stats.Timestamp,
            UserClasses = [],
            Validity = RunValidity.Judge(stats),
            Thresholds = [ThresholdEvaluator.Evaluate(P95, stats), rpsAtEnd],
            AbortedBy = [new ThresholdResult(Rps, CheckOutcome.Failed, 12.5)],
        };
        var view = new DashboardView { Version = 9, RunId = 1, State = DashboardRunState.Stopped, Stats = stats, Result = result, Thresholds = [P95, Rps] };

        JsonElement e = Write(view);

        e.GetProperty("stopReason").GetString().ShouldBe("ThresholdAborted");
        e.GetProperty("thresholdsFinal").GetBoolean().ShouldBeTrue();
        JsonElement[] t = [.. e.GetProperty("thresholds").EnumerateArray()];
        t[0].GetProperty("result").GetString().ShouldBe("pass");
        t[0].GetProperty("abortedRun").GetBoolean().ShouldBeFalse();
        t[1].GetProperty("result").GetString().ShouldBe("fail");
        t[1].GetProperty("measured").GetDouble().ShouldBe(47);
        t[1].GetProperty("abortedRun").GetBoolean().ShouldBeTrue();
        JsonElement aborted = e.GetProperty("abortedBy").EnumerateArray().ShouldHaveSingleItem();
        aborted.GetProperty("expression").GetString().ShouldBe("rps>=48 abort");
        aborted.GetProperty("measured").GetDouble().ShouldBe(12.5);
        aborted.GetProperty("measuredText").GetString().ShouldBe("12.5 req/s");
    }

    private static StatsSnapshot TenPerSecondFor10Seconds()
    {
        var builder = new RunReportBuilder();
        for (int i = 1; i <= 100; i++)
        {
            builder.Request("POST", "predict", TimeSpan.FromMilliseconds(i * 100), TimeSpan.FromMilliseconds(100));
        }

        return builder.Build(TimeSpan.FromSeconds(10)).Result.Stats;
    }

    private static JsonElement Write(DashboardView view)
    {
        using JsonDocument document = JsonDocument.Parse(DashboardEvents.Write(view, 0, out _));
        return document.RootElement.Clone();
    }
}
