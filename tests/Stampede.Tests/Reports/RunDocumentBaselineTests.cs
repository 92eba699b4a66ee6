using Stampede.Analysis;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

public sealed class RunDocumentBaselineTests
{
    [Fact]
    public void FromDocument_ReadBackRunDocument_EqualsTheBaselineOfTheSnapshot()
    {
        var builder = new RunReportBuilder();
        for (int i = 0; i < 300; i++)
        {
            builder.Request("POST", "predict", TimeSpan.FromSeconds(i / 100.0), TimeSpan.FromMilliseconds(1 + (i % 97)), error: i % 50 == 0 ? "HTTP 503" : null);
            builder.Request("GET", "health", TimeSpan.FromSeconds(1 + (i / 150.0)), TimeSpan.FromMilliseconds(2));
        }

        RunReport report = builder.Build(TimeSpan.FromSeconds(3.5));
        RunDocument document = RunDocumentReader.Read(System.Text.Json.JsonSerializer.Serialize(RunDocumentMapper.ToDocument(report), RunDocumentJsonContext.Document));

        Baseline fromDocument = RunDocumentBaseline.FromDocument(document);

        BaselineFile.ToJson(fromDocument).ShouldBe(BaselineFile.ToJson(Baseline.FromSnapshot(report.Result.Stats)));
        fromDocument.Rows.Select(r => r.Label).ShouldBe(["GET health", "POST predict"]);
        fromDocument.Aggregated.Seconds.Count.ShouldBe(4);
    }
}
