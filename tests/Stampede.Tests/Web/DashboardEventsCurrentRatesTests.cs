using System.Text.Json;
using Stampede.Metrics;
using Stampede.Web;

namespace Stampede.Tests.Web;

/// <summary>The current rates of the dashboard's table are of a run going on: once it stopped they read 0, its totals stay.</summary>
public sealed class DashboardEventsCurrentRatesTests
{
    [Theory]
    [InlineData("Running", true)]
    [InlineData("Stopping", true)]
    [InlineData("Stopped", false)]
    public void Write_RowsCurrentRates_OnlyWhileTheRunGoesOn(string stateName, bool current)
    {
        DashboardRunState state = Enum.Parse<DashboardRunState>(stateName);
        StatsSnapshot stats = DashboardEventsTests.TenPerSecondFor10Seconds();
        stats.Total.CurrentRequestsPerSecond.ShouldBeGreaterThan(0);

        using JsonDocument document = JsonDocument.Parse(DashboardEvents.Write(new DashboardView { Version = 1, RunId = 1, State = state, Stats = stats }, 0, out _));

        JsonElement[] rows = [.. document.RootElement.GetProperty("rows").EnumerateArray()];
        rows.Length.ShouldBe(2);
        foreach (JsonElement row in rows)
        {
            row.GetProperty("requests").GetInt64().ShouldBe(100, "the totals stay");
            if (current)
            {
                row.GetProperty("rps").GetDouble().ShouldBeGreaterThan(0);
            }
            else
            {
                row.GetProperty("rps").GetDouble().ShouldBe(0);
                row.GetProperty("failuresPerSecond").GetDouble().ShouldBe(0);
            }
        }
    }
}
