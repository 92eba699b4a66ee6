using System.Text.RegularExpressions;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

public sealed class HtmlReportWriterCapacityTests
{
    [Fact]
    public async Task Render_CapacitySearch_ShowsTheAnswerTheCurveAndEveryStep()
    {
        RunDocument fixture = await HtmlReportFiles.ReadRunAsync();
        RunDocument document = fixture with
        {
            Analysis = new RunDocumentAnalysis
            {
                Capacity = new RunDocumentCapacity
                {
                    MaxRate = 38.75,
                    AtLeast = false,
                    Valid = true,
                    Summary = "Capacity under the SLO (p95<200ms): 38.75 iterations/s <script>",
                    Slo = ["p95<200ms"],
                    LimitedBy = "concurrency",
                    Steps =
                    [
                        Step(1, "grow", 10, 10, 101, pass: true),
                        Step(2, "grow", 20, 20, 102, pass: true),
                        Step(3, "grow", 40, 39.6, 180, pass: true),
                        Step(4, "grow", 80, 40.1, 2400, pass: false),
                    ],
                },
            },
        };

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain("<section id=\"analysis\">");
        html.ShouldContain("<p class=\"verdict ok\" id=\"capacity-verdict\"><strong>38.75 iterations/s</strong>");
        html.ShouldContain("&lt;script&gt;");
        html.ShouldNotContain("38.75 iterations/s <script>");
        html.ShouldContain("<svg id=\"capacity-curve\"");
        Regex.Matches(html, "<circle ").Count.ShouldBe(4);
        Regex.Matches(html, "fill=\"#c0392b\"").Count.ShouldBe(1);
        html.ShouldContain("<td>FAIL: p95&lt;200ms (p95 = 2400 ms)</td>");
    }

    private static RunDocumentCapacityStep Step(int number, string phase, double rate, double throughput, double p95, bool pass) => new()
    {
        Number = number,
        Phase = phase,
        Rate = rate,
        StartSecond = (number - 1) * 3,
        JudgedFromSecond = ((number - 1) * 3) + 1,
        EndSecond = number * 3,
        AchievedRate = rate,
        Throughput = throughput,
        P50Ms = 100,
        P95Ms = p95,
        P99Ms = p95 * 1.2,
        ErrorRate = 0,
        Requests = (long)(throughput * 2),
        Pass = pass,
        Reason = pass ? "met the SLO" : "p95<200ms (p95 = 2400 ms)",
        GeneratorBound = false,
    };
}
