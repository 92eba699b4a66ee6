using System.Text.Json.Nodes;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary>A distributed run's agents in the HTML report and the JSON document.</summary>
public sealed class HtmlReportClusterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Render_DistributedRun_PageMatchesApproved()
    {
        RunDocument document = await WithClusterAsync();

        string html = HtmlReportWriter.Render(document);

        HtmlReportFiles.ShouldMatchApproved(HtmlReportFiles.Structure(html), "report-cluster.approved.html");
    }

    [Fact]
    public async Task Render_LostAgent_SaysWhenWithWhatShareAndTheVerdict()
    {
        RunDocument document = await WithClusterAsync();

        string html = HtmlReportWriter.Render(document);

        html.ShouldContain("<a href=\"#agents\">Agents</a>");
        html.ShouldContain("<strong>Agent gen-3 lost at 12.40 s</strong> <span>(no report for 3 s) with its share, 3 of 10 users, after 1,204 requests: the run is INVALID.</span>");
        html.ShouldContain("<li>Refused: agent gen-9 runs Stampede 0.0.9 (cluster protocol 1)");
        html.Split("<tr><td>gen-").Length.ShouldBe(4, "one table line per agent");
    }

    [Fact]
    public async Task Render_RunOnOneMachine_HasNoAgentsSection()
    {
        string html = HtmlReportWriter.Render(await HtmlReportFiles.ReadRunAsync());

        html.ShouldNotContain("id=\"agents\"");
        html.ShouldNotContain("href=\"#agents\"");
    }

    [Fact]
    public async Task Json_DistributedRun_RoundTripsWithDocumentedNames()
    {
        RunDocument document = await WithClusterAsync();
        string path = Path.Combine(_directory, "run.json");

        await RunDocumentWriter.WriteAsync(document, path);
        RunDocument read = await RunDocumentReader.ReadAsync(path);
        JsonObject json = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();

        (read.Cluster! with { Agents = [], Refused = null }).ShouldBe(document.Cluster! with { Agents = [], Refused = null });
        read.Cluster.Agents.ShouldBe(document.Cluster.Agents);
        read.Cluster.Refused.ShouldBe(document.Cluster.Refused);
        JsonObject cluster = json["cluster"]!.AsObject();
        cluster.Select(p => p.Key).ShouldBe(["runId", "server", "transport", "expectedAgents", "allowAgentLoss", "replanLost", "maxClockOffsetMs", "startSkewBoundMs", "reportsMerged", "bytesReceived", "mergeMs", "agents", "refused"]);
        JsonObject lost = cluster["agents"]![2]!.AsObject();
        lost["state"]!.GetValue<string>().ShouldBe("lost");
        lost["lostAtSeconds"]!.GetValue<double>().ShouldBe(12.4);
        cluster["agents"]![0]!.AsObject().ContainsKey("lostAtSeconds").ShouldBeFalse("only a lost agent has it");
    }

    private static async Task<RunDocument> WithClusterAsync()
    {
        RunDocument document = await HtmlReportFiles.ReadRunAsync();
        return document with
        {
            Cluster = new RunDocumentCluster
            {
                RunId = "nightly",
                Server = "nats://10.0.0.5:4222",
                Transport = "nats-core request-reply",
                ExpectedAgents = 3,
                AllowAgentLoss = false,
                ReplanLost = false,
                MaxClockOffsetMs = 0.412,
                StartSkewBoundMs = 0.18,
                ReportsMerged = 52,
                BytesReceived = 212_480,
                MergeMs = 31.5,
                Agents =
                [
                    Agent("gen-1", 0, "finished", "4 of 10 users", 1610, null, null),
                    Agent("gen-2", 1, "finished", "3 of 10 users", 1199, null, null),
                    Agent("gen-3", 2, "lost", "3 of 10 users", 1204, 12.4, "no report for 3 s"),
                ],
                Refused = ["agent gen-9 runs Stampede 0.0.9 (cluster protocol 1) and this coordinator Stampede 0.1.0 (protocol 1): build every agent and the coordinator from the same Stampede version"],
            },
        };
    }

    private static RunDocumentAgent Agent(string name, int index, string state, string share, long requests, double? lostAt, string? why) => new()
    {
        Name = name,
        Host = $"node-{index}",
        Index = index,
        State = state,
        Share = share,
        Requests = requests,
        Failures = index,
        LastSecond = lostAt is { } at ? (long)at - 1 : 29,
        ClockOffsetMs = 0.1 * index,
        ClockUncertaintyMs = 0.15,
        LostAtSeconds = lostAt,
        LostReason = why,
        PeakCpuPercent = 40 + index,
        AverageCpuPercent = 20 + index,
        TotalGcPauseMs = 12.5,
        BoundSeconds = 0,
        ProcessorCount = 2,
        Reports = 17,
        Resent = index,
        BytesReceived = 70_000,
    };
}
