using System.Globalization;
using System.Text;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

public sealed class CsvExporterTests : IDisposable
{
    // Locust 2.x's headers (locust/stats.py, StatsCSV and StatsCSVFileWriter), byte for byte.
    private const string LocustStatsHeader =
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

    private const string LocustHistoryHeader =
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size";

    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task ExportAsync_AnyRun_WritesLocustHeadersByteForByteWithCrLfAndNoBom()
    {
        RunReport report = new RunReportBuilder().Request("GET", "/", TimeSpan.FromSeconds(0.5), 10 * Ms).Build(TimeSpan.FromSeconds(1));
        var exporter = new CsvExporter(Path.Combine(_directory, "run"), fullHistory: false);

        await exporter.ExportAsync(report);

        FirstLine(exporter.StatsPath).ShouldBe(Encoding.UTF8.GetBytes(LocustStatsHeader + "\r\n"));
        FirstLine(exporter.HistoryPath).ShouldBe(Encoding.UTF8.GetBytes(LocustHistoryHeader + "\r\n"));
        FirstLine(exporter.FailuresPath).ShouldBe("Method,Name,Error,Occurrences\r\n"u8.ToArray());
        FirstLine(exporter.ExceptionsPath).ShouldBe("Count,Message,Traceback,Nodes\r\n"u8.ToArray());
    }

    [Fact]
    public async Task ExportAsync_OneToThousandMs_WritesExactExtremesAndPercentilesWithinHdrPrecision()
    {
        var builder = new RunReportBuilder();
        for (int i = 1; i <= 1000; i++)
        {
            builder.Request("GET", "/items", TimeSpan.FromSeconds(2 + (i / 1000.0)), i * Ms, bytesReceived: 100);
        }

        RunReport report = builder.Build(TimeSpan.FromSeconds(4));
        var exporter = new CsvExporter(Path.Combine(_directory, "run"), fullHistory: false);

        await exporter.ExportAsync(report);

        List<string[]> lines = CsvTestFile.Read(exporter.StatsPath);
        lines.Count.ShouldBe(3);
        Dictionary<string, string> row = Columns(lines[0], lines[1]);
        row["Type"].ShouldBe("GET");
        row["Name"].ShouldBe("/items");
        row["Request Count"].ShouldBe("1000");
        row["Failure Count"].ShouldBe("0");
        row["Min Response Time"].ShouldBe("1");
        row["Max Response Time"].ShouldBe("1000");
        row["Average Response Time"].ShouldBe("500.5");
        row["Average Content Size"].ShouldBe("100");
        row["Requests/s"].ShouldBe("250");
        row["Failures/s"].ShouldBe("0");
        row["100%"].ShouldBe("1000");

        // The true percentile of 1..1000 ms is p * 10 ms; an HdrHistogram with 3 significant digits is within 0.1%.
        foreach ((string column, double expected) in new[] { ("50%", 500.0), ("66%", 660), ("75%", 750), ("80%", 800), ("90%", 900), ("95%", 950), ("98%", 980), ("99%", 990), ("99.9%", 999) })
        {
            Number(row[column]).ShouldBe(expected, expected * 0.001 + 1, column);
        }

        row["Median Response Time"].ShouldBe(row["50%"]);
        Dictionary<string, string> aggregated = Columns(lines[0], lines[2]);
        aggregated["Type"].ShouldBe(string.Empty);
        aggregated["Name"].ShouldBe("Aggregated");
        aggregated["Request Count"].ShouldBe("1000");
        aggregated["Median Response Time"].ShouldBe(row["Median Response Time"]);
    }

    [Fact]
    public async Task ExportAsync_SubMillisecondLatency_KeepsMicrosecondPrecision()
    {
        RunReport report = new RunReportBuilder()
            .Request("GET", "/fast", TimeSpan.FromSeconds(0.5), TimeSpan.FromTicks(4_120))
            .Build(TimeSpan.FromSeconds(1));
        var exporter = new CsvExporter(Path.Combine(_directory, "run"), fullHistory: false);

        await exporter.ExportAsync(report);

        List<string[]> lines = CsvTestFile.Read(exporter.StatsPath);
        Dictionary<string, string> row = Columns(lines[0], lines[1]);
        row["Median Response Time"].ShouldBe("0.412");
        row["Average Response Time"].ShouldBe("0.412");
        row["Min Response Time"].ShouldBe("0.412");
        row["Max Response Time"].ShouldBe("0.412");
        row["50%"].ShouldBe("0.412");
        row["99.99%"].ShouldBe("0.412");
    }

    [Fact]
    public async Task ExportAsync_NameWithCommaQuoteAndNewline_QuotesItPerRfc4180()
    {
        RunReport report = new RunReportBuilder()
            .Request("GET", "/search?q=a,b", TimeSpan.FromSeconds(0.5), 12 * Ms)
            .Request("POST", "say \"hi\"\nthere", TimeSpan.FromSeconds(0.6), 12 * Ms)
            .Build(TimeSpan.FromSeconds(1));
        var exporter = new CsvExporter(Path.Combine(_directory, "run"), fullHistory: false);

        await exporter.ExportAsync(report);

        string text = await File.ReadAllTextAsync(exporter.StatsPath);
        text.ShouldContain("\r\nGET,\"/search?q=a,b\",1,0,12,12,12,12,0,");
        text.ShouldContain("\r\nPOST,\"say \"\"hi\"\"\nthere\",1,0,12,");
        List<string[]> lines = CsvTestFile.Parse(text);
        lines.Select(l => l[1]).ShouldBe(["Name", "/search?q=a,b", "say \"hi\"\nthere", "Aggregated"]);
    }

    [Fact]
    public async Task ExportAsync_Failures_WritesOneLinePerRowAndReason()
    {
        RunReport report = new RunReportBuilder()
            .Request("GET", "/a", TimeSpan.FromSeconds(0.1), 5 * Ms, error: "HTTP 503 Service Unavailable")
            .Request("GET", "/a", TimeSpan.FromSeconds(0.2), 5 * Ms, error: "HTTP 503 Service Unavailable")
            .Request("POST", "/b", TimeSpan.FromSeconds(0.3), 5 * Ms, error: "Connection refused, retrying")
            .Request("POST", "/b", TimeSpan.FromSeconds(0.4), 5 * Ms)
            .Build(TimeSpan.FromSeconds(1));
        var exporter = new CsvExporter(Path.Combine(_directory, "run"), fullHistory: false);

        await exporter.ExportAsync(report);

        (await File.ReadAllTextAsync(exporter.FailuresPath)).ShouldBe(
            "Method,Name,Error,Occurrences\r\n" +
            "GET,/a,HTTP 503 Service Unavailable,2\r\n" +
            "POST,/b,\"Connection refused, retrying\",1\r\n");
        Dictionary<string, string> aggregated = Columns(CsvTestFile.Read(exporter.StatsPath)[0], CsvTestFile.Read(exporter.StatsPath)[^1]);
        aggregated["Failure Count"].ShouldBe("3");
        aggregated["Failures/s"].ShouldBe("3");
    }

    [Fact]
    public async Task ExportAsync_UserErrors_WritesCountMessageTracebackAndLocalNode()
    {
        RunReport report = new RunReportBuilder()
            .UserError("ShopUser.Browse", "boom")
            .UserError("ShopUser.Browse", "boom")
            .Build(TimeSpan.FromSeconds(1));
        var exporter = new CsvExporter(Path.Combine(_directory, "run"), fullHistory: false);

        await exporter.ExportAsync(report);

        List<string[]> lines = CsvTestFile.Read(exporter.ExceptionsPath);
        lines.Count.ShouldBe(2);
        lines[1][0].ShouldBe("2");
        lines[1][1].ShouldBe("InvalidOperationException: boom (in ShopUser.Browse)");
        lines[1][2].ShouldStartWith("System.InvalidOperationException: boom");
        lines[1][2].ShouldContain(nameof(RunReportBuilder.UserError));
        lines[1][3].ShouldBe("local");
    }

    [Fact]
    public async Task ExportAsync_History_WritesOneAggregatedLinePerIntervalWithRunningTotals()
    {
        // Latencies under 2.048 ms sit in HdrHistogram's exact buckets (3 significant digits), so every
        // percentile below is the true one.
        RunReport report = new RunReportBuilder()
            .WithUsers(5)
            .Request("GET", "/a", TimeSpan.FromSeconds(0.2), 1.0 * Ms, bytesReceived: 10)
            .Request("GET", "/a", TimeSpan.FromSeconds(0.4), 1.2 * Ms, bytesReceived: 20)
            .Request("GET", "/a", TimeSpan.FromSeconds(0.6), 1.5 * Ms, bytesReceived: 30, error: "HTTP 500 Internal Server Error")
            .Request("GET", "/a", TimeSpan.FromSeconds(2.2), 1.8 * Ms, bytesReceived: 40)
            .Request("GET", "/b", TimeSpan.FromSeconds(2.4), 2.0 * Ms, bytesReceived: 50)
            .Build(TimeSpan.FromSeconds(3.5));
        var exporter = new CsvExporter(Path.Combine(_directory, "run"), fullHistory: false);

        await exporter.ExportAsync(report);

        List<string[]> lines = CsvTestFile.Read(exporter.HistoryPath);
        lines.Count.ShouldBe(1 + 4); // seconds 0, 1 (empty), 2 and the last half second
        string[] header = lines[0];
        List<Dictionary<string, string>> rows = [.. lines.Skip(1).Select(l => Columns(header, l))];
        long start = RunReportBuilder.StartedAt.ToUnixTimeSeconds();
        rows.Select(r => r["Timestamp"]).ShouldBe([Epoch(start + 1), Epoch(start + 2), Epoch(start + 3), Epoch(start + 3)]);
        rows.ShouldAllBe(r => r["User Count"] == "5" && r["Type"] == string.Empty && r["Name"] == "Aggregated");

        rows[0]["Requests/s"].ShouldBe("3.000000");
        rows[0]["Failures/s"].ShouldBe("1.000000");
        rows[0]["50%"].ShouldBe("1.2");
        rows[0]["100%"].ShouldBe("1.5");
        rows[0]["Total Request Count"].ShouldBe("3");
        rows[0]["Total Failure Count"].ShouldBe("1");
        rows[0]["Total Median Response Time"].ShouldBe("1.2");

        rows[1]["Requests/s"].ShouldBe("0.000000");
        rows[1]["50%"].ShouldBe("N/A");
        rows[1]["100%"].ShouldBe("N/A");
        rows[1]["Total Request Count"].ShouldBe("3");
        rows[1]["Total Median Response Time"].ShouldBe("1.2");

        rows[2]["Requests/s"].ShouldBe("2.000000");
        rows[2]["Failures/s"].ShouldBe("0.000000");
        rows[2]["50%"].ShouldBe("1.8");
        rows[2]["100%"].ShouldBe("2");
        foreach (Dictionary<string, string> last in rows.Skip(2))
        {
            last["Total Request Count"].ShouldBe("5");
            last["Total Failure Count"].ShouldBe("1");
            last["Total Median Response Time"].ShouldBe("1.5");
            last["Total Average Response Time"].ShouldBe("1.5");
            last["Total Min Response Time"].ShouldBe("1");
            last["Total Max Response Time"].ShouldBe("2");
            last["Total Average Content Size"].ShouldBe("30");
        }

        rows[3]["Requests/s"].ShouldBe("0.000000");
        rows[3]["50%"].ShouldBe("N/A");
    }

    [Fact]
    public async Task ExportAsync_FullHistory_WritesEveryRowSeenSoFarBeforeTheAggregatedLine()
    {
        RunReport report = new RunReportBuilder()
            .Request("GET", "/b", TimeSpan.FromSeconds(0.5), 1.0 * Ms)
            .Request("GET", "/a", TimeSpan.FromSeconds(1.5), 1.2 * Ms)
            .Request("GET", "/a", TimeSpan.FromSeconds(1.6), 1.6 * Ms)
            .Build(TimeSpan.FromSeconds(2));
        var exporter = new CsvExporter(Path.Combine(_directory, "run"), fullHistory: true);

        await exporter.ExportAsync(report);

        List<string[]> lines = CsvTestFile.Read(exporter.HistoryPath);
        List<Dictionary<string, string>> rows = [.. lines.Skip(1).Select(l => Columns(lines[0], l))];
        rows.Select(r => $"{r["Type"]} {r["Name"]} {r["Requests/s"]} {r["50%"]} {r["Total Request Count"]} {r["Total Median Response Time"]} {r["Total Average Response Time"]}").ShouldBe(
        [
            "GET /b 1.000000 1 1 1 1",
            " Aggregated 1.000000 1 1 1 1",
            "GET /a 2.000000 1.2 2 1.2 1.4",
            "GET /b 0.000000 N/A 1 1 1",
            " Aggregated 2.000000 1.2 3 1.2 1.267",
        ]);
    }

    [Fact]
    public async Task ExportAsync_PrefixInMissingDirectory_CreatesTheDirectory()
    {
        RunReport report = new RunReportBuilder().Build(TimeSpan.FromSeconds(1));
        string prefix = Path.Combine(_directory, "nested", "deeper", "run");
        var exporter = new CsvExporter(prefix, fullHistory: false);

        await exporter.ExportAsync(report);

        exporter.Paths.ShouldAllBe(p => File.Exists(p));
        exporter.StatsPath.ShouldBe(prefix + "_stats.csv");
        exporter.HistoryPath.ShouldBe(prefix + "_stats_history.csv");
        (await File.ReadAllTextAsync(exporter.StatsPath)).ShouldBe(
            LocustStatsHeader + "\r\n,Aggregated,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\r\n");
    }

    private static byte[] FirstLine(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int end = bytes.AsSpan().IndexOf("\r\n"u8);
        end.ShouldBeGreaterThan(0);
        return bytes[..(end + 2)];
    }

    private static Dictionary<string, string> Columns(string[] header, string[] line)
    {
        line.Length.ShouldBe(header.Length);
        return header.Zip(line).ToDictionary(p => p.First, p => p.Second);
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static string Epoch(long seconds) => seconds.ToString(CultureInfo.InvariantCulture);
}
