using System.Xml.Linq;
using Stampede.Analysis;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary>The autoscaling verdict in the JUnit XML: its own suite with one case.</summary>
public sealed class JUnitWriterAutoscalingTests
{
    [Theory]
    [InlineData(false, "1")]
    [InlineData(true, "0")]
    public void ToXml_AutoscalingVerdict_IsOneCaseThatFailsWithItsReason(bool passed, string failures)
    {
        var checks = new JUnitChecks
        {
            Name = "shop",
            Timestamp = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero),
            Duration = TimeSpan.FromSeconds(75),
            Autoscaling = new AutoscalingAnalysis
            {
                Verdict = passed ? "PASS" : "FAIL",
                Reason = passed ? "recovered 12 s after the spike, within --max-recovery 60 s" : "recovered too late: 12 s after the spike, more than --max-recovery 1 s",
                Series = "stampede_demo_workers_current",
                StableForSeconds = 10,
                MaxRecoverySeconds = passed ? 60 : 1,
                OfferedUnit = "iterations/s",
            },
        };

        XElement root = XDocument.Parse(JUnitWriter.ToXml(checks)).Root!;

        XElement suite = root.Elements("testsuite").ShouldHaveSingleItem();
        ((string)suite.Attribute("name")!).ShouldBe("shop.autoscaling");
        ((string)suite.Attribute("failures")!).ShouldBe(failures);
        XElement testCase = suite.Elements("testcase").ShouldHaveSingleItem();
        ((string)testCase.Attribute("name")!).ShouldBe("stampede_demo_workers_current");
        ((string)testCase.Element("system-out")!).ShouldStartWith($"autoscaling {(passed ? "PASS" : "FAIL")}: ");
        if (passed)
        {
            testCase.Element("failure").ShouldBeNull();
        }
        else
        {
            ((string)testCase.Element("failure")!.Attribute("message")!).ShouldBe("recovered too late: 12 s after the spike, more than --max-recovery 1 s");
            ((string)testCase.Element("failure")!.Attribute("type")!).ShouldBe("autoscaling");
        }
    }
}
