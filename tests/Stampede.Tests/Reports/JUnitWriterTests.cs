using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Stampede.Analysis;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

public sealed class JUnitWriterTests
{
    /// <summary>
    /// The part of the common JUnit schema (Jenkins' junit-10.xsd, which GitLab, GitHub reporters and
    /// Azure DevOps also follow) that the writer uses, with the same names, nesting and attribute types.
    /// </summary>
    private const string JUnitSchema = """
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
          <xs:element name="failure">
            <xs:complexType mixed="true">
              <xs:attribute name="type" type="xs:string"/>
              <xs:attribute name="message" type="xs:string"/>
            </xs:complexType>
          </xs:element>
          <xs:element name="skipped">
            <xs:complexType mixed="true">
              <xs:attribute name="message" type="xs:string"/>
            </xs:complexType>
          </xs:element>
          <xs:element name="system-out" type="xs:string"/>
          <xs:element name="testcase">
            <xs:complexType>
              <xs:sequence>
                <xs:choice minOccurs="0">
                  <xs:element ref="skipped"/>
                  <xs:element ref="failure" maxOccurs="unbounded"/>
                </xs:choice>
                <xs:element ref="system-out" minOccurs="0"/>
              </xs:sequence>
              <xs:attribute name="name" type="xs:string" use="required"/>
              <xs:attribute name="classname" type="xs:string" use="required"/>
              <xs:attribute name="time" type="xs:decimal"/>
            </xs:complexType>
          </xs:element>
          <xs:element name="testsuite">
            <xs:complexType>
              <xs:sequence>
                <xs:element ref="testcase" minOccurs="0" maxOccurs="unbounded"/>
              </xs:sequence>
              <xs:attribute name="name" type="xs:string" use="required"/>
              <xs:attribute name="tests" type="xs:nonNegativeInteger" use="required"/>
              <xs:attribute name="failures" type="xs:nonNegativeInteger"/>
              <xs:attribute name="errors" type="xs:nonNegativeInteger"/>
              <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
              <xs:attribute name="time" type="xs:decimal"/>
              <xs:attribute name="timestamp" type="xs:dateTime"/>
            </xs:complexType>
          </xs:element>
          <xs:element name="testsuites">
            <xs:complexType>
              <xs:sequence>
                <xs:element ref="testsuite" minOccurs="0" maxOccurs="unbounded"/>
              </xs:sequence>
              <xs:attribute name="name" type="xs:string"/>
              <xs:attribute name="tests" type="xs:nonNegativeInteger"/>
              <xs:attribute name="failures" type="xs:nonNegativeInteger"/>
              <xs:attribute name="errors" type="xs:nonNegativeInteger"/>
              <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
              <xs:attribute name="time" type="xs:decimal"/>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        """;

    private static readonly JUnitChecks Checks = new()
    {
        Name = "shop",
        Timestamp = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero),
        Duration = TimeSpan.FromSeconds(61.5),
        Thresholds =
        [
            new ThresholdResult(Threshold.Parse("p95<300ms"), CheckOutcome.Passed, 212.4),
            new ThresholdResult(Threshold.Parse("\"predict large\": p99<1s"), CheckOutcome.Failed, 1234.5),
            new ThresholdResult(Threshold.Parse("\"nope\": error_rate<1%"), CheckOutcome.NoData, null, "no requests named \"nope\""),
        ],
        Slos =
        [
            new SloResult(
                new SloObjective { Name = "99% of requests under 400 ms", Kind = SloKind.Latency, LatencyLimitMs = 400, AllowedBadRatio = 0.01 },
                CheckOutcome.Failed,
                Requests: 1000,
                BadRequests: 30,
                new SloWindow(0, 60, 1000, 30)),
        ],
        Comparisons =
        [
            new RowComparison("POST", "predict", ComparisonVerdict.Regressed, [], "p95 100 ms → 150 ms (+50.0%), beyond ±10% and significant"),
            new RowComparison("GET", "health", ComparisonVerdict.Unchanged, [], "no metric moved beyond the tolerance and the noise"),
            new RowComparison("GET", "old", ComparisonVerdict.NotCompared, [], "only in the baseline: this run has no such requests"),
        ],
    };

    [Fact]
    public void ToXml_Checks_ValidatesAgainstTheCommonJUnitSchema()
    {
        var schemas = new XmlSchemaSet();
        schemas.Add(null, XmlReader.Create(new StringReader(JUnitSchema)));
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationEventHandler += (_, e) => errors.Add(e.Message);

        using (var reader = XmlReader.Create(new StringReader(JUnitWriter.ToXml(Checks)), settings))
        {
            while (reader.Read())
            {
            }
        }

        errors.ShouldBeEmpty();
    }

    [Fact]
    public void ToXml_Checks_CountsTestsFailuresAndSkippedPerSuite()
    {
        XElement root = XDocument.Parse(JUnitWriter.ToXml(Checks)).Root!;

        root.Name.LocalName.ShouldBe("testsuites");
        Counts(root).ShouldBe(("7", "4", "0", "1", "61.500"));
        root.Elements("testsuite").Select(s => ((string)s.Attribute("name")!, Counts(s))).ShouldBe(
        [
            ("shop.thresholds", ("3", "2", "0", "0", "61.500")),
            ("shop.slos", ("1", "1", "0", "0", "61.500")),
            ("shop.baseline", ("3", "1", "0", "1", "61.500")),
        ]);
        root.Elements("testsuite").ShouldAllBe(s => (string)s.Attribute("timestamp")! == "2025-03-01T12:00:00");
    }

    [Fact]
    public void ToXml_FailedThreshold_NamesTheCaseByItsExpressionAndSaysWhatWasMeasured()
    {
        XElement[] cases = [.. XDocument.Parse(JUnitWriter.ToXml(Checks)).Descendants("testcase")];

        XElement failed = cases.Single(c => (string)c.Attribute("name")! == "\"predict large\": p99<1s");
        ((string)failed.Attribute("classname")!).ShouldBe("shop.thresholds");
        ((string)failed.Element("failure")!.Attribute("message")!).ShouldBe("p99 = 1234.5 ms, which fails \"predict large\": p99<1s");
        ((string)failed.Element("failure")!.Attribute("type")!).ShouldBe("threshold");
        ((string)cases.Single(c => (string)c.Attribute("name")! == "p95<300ms").Element("system-out")!).ShouldBe("pass  p95<300ms  p95 = 212.4 ms");
        cases.Single(c => (string)c.Attribute("name")! == "p95<300ms").Element("failure").ShouldBeNull();
        ((string)cases.Single(c => ((string)c.Attribute("name")!).Contains("nope", StringComparison.Ordinal)).Element("failure")!.Attribute("type")!).ShouldBe("no-data");
    }

    [Fact]
    public void ToXml_Comparisons_RegressedFailsAndRowsInOneRunAreSkipped()
    {
        XElement[] cases = [.. XDocument.Parse(JUnitWriter.ToXml(Checks)).Descendants("testcase").Where(c => (string)c.Attribute("classname")! == "shop.baseline")];

        cases.Select(c => (string)c.Attribute("name")!).ShouldBe(["POST predict", "GET health", "GET old"]);
        ((string)cases[0].Element("failure")!.Attribute("message")!).ShouldStartWith("regressed: p95 100 ms → 150 ms (+50.0%)");
        cases[1].Elements().Select(e => e.Name.LocalName).ShouldBe(["system-out"]);
        ((string)cases[2].Element("skipped")!.Attribute("message")!).ShouldBe("only in the baseline: this run has no such requests");
    }

    [Fact]
    public void ToXml_NoChecks_IsAnEmptyTestsuitesElement()
    {
        XElement root = XDocument.Parse(JUnitWriter.ToXml(new JUnitChecks { Timestamp = DateTimeOffset.UnixEpoch, Duration = TimeSpan.Zero })).Root!;

        root.Elements().ShouldBeEmpty();
        Counts(root).ShouldBe(("0", "0", "0", "0", "0.000"));
    }

    [Fact]
    public async Task WriteAsync_File_IsUtf8WithoutByteOrderMark()
    {
        string path = Path.Combine(Path.GetTempPath(), $"stampede-junit-{Guid.NewGuid():N}.xml");
        try
        {
            await JUnitWriter.WriteAsync(path, Checks);
            byte[] bytes = await File.ReadAllBytesAsync(path);

            bytes[0].ShouldBe((byte)'<');
            XDocument.Load(path).Declaration!.Encoding.ShouldBe("utf-8");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (string Tests, string Failures, string Errors, string Skipped, string Time) Counts(XElement element) =>
        ((string)element.Attribute("tests")!, (string)element.Attribute("failures")!, (string)element.Attribute("errors")!, (string)element.Attribute("skipped")!, (string)element.Attribute("time")!);
}
