using nietras.SeparatedValues;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary>
/// The four Locust files read by Sep, a CSV reader this project did not write: the header names as Locust
/// (locust/stats.py) writes them, and names and messages with commas, quotes and line breaks read back
/// unchanged (RFC 4180 quoting).
/// </summary>
public sealed class CsvExporterSepTests : IDisposable
{
    private const string Awkward = "/search?q=\"a,b\"";

    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    private static readonly string[] LocustPercentiles = ["50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stampede-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task StatsFile_ReadBySep_HasLocustsColumnsAndTheAwkwardNameUnchanged()
    {
        CsvExporter exporter = await ExportAsync(fullHistory: false);

        (string[] header, List<Dictionary<string, string>> rows) = Read(exporter.StatsPath);

        header.ShouldBe([
            "Type", "Name", "Request Count", "Failure Count", "Median Response Time", "Average Response Time",
            "Min Response Time", "Max Response Time", "Average Content Size", "Requests/s", "Failures/s",
            .. LocustPercentiles,
        ]);
        rows.Select(r => $"{r["Type"]}|{r["Name"]}").ShouldBe([$"GET|{Awkward}", "POST|/b", "|Aggregated"], ignoreOrder: true);
        Dictionary<string, string> awkward = rows.Single(r => r["Name"] == Awkward);
        awkward["Request Count"].ShouldBe("2");
        awkward["Failure Count"].ShouldBe("1");
        awkward["Min Response Time"].ShouldBe("1");
        awkward["Max Response Time"].ShouldBe("1.5");
        awkward["Average Content Size"].ShouldBe("15");
        awkward["100%"].ShouldBe("1.5");
        rows.Single(r => r["Name"] == "Aggregated")["Request Count"].ShouldBe("3");
    }

    [Fact]
    public async Task HistoryFile_ReadBySep_HasLocustsColumnsAndTheAwkwardNameUnchanged()
    {
        CsvExporter exporter = await ExportAsync(fullHistory: true);

        (string[] header, List<Dictionary<string, string>> rows) = Read(exporter.HistoryPath);

        header.ShouldBe([
            "Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s",
            .. LocustPercentiles,
            "Total Request Count", "Total Failure Count", "Total Median Response Time", "Total Average Response Time",
            "Total Min Response Time", "Total Max Response Time", "Total Average Content Size",
        ]);
        Dictionary<string, string> last = rows.Last(r => r["Name"] == Awkward);
        last["Type"].ShouldBe("GET");
        last["User Count"].ShouldBe("3");
        last["Timestamp"].ShouldBe((RunReportBuilder.StartedAt.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        last["Total Request Count"].ShouldBe("2");
        last["Total Failure Count"].ShouldBe("1");
        rows[^1]["Name"].ShouldBe("Aggregated");
        rows[^1]["Total Request Count"].ShouldBe("3");
    }

    [Fact]
    public async Task FailuresFile_ReadBySep_HasLocustsColumnsAndTheAwkwardNameAndReasonUnchanged()
    {
        CsvExporter exporter = await ExportAsync(fullHistory: false);

        (string[] header, List<Dictionary<string, string>> rows) = Read(exporter.FailuresPath);

        header.ShouldBe(["Method", "Name", "Error", "Occurrences"]);
        Dictionary<string, string> failure = rows.ShouldHaveSingleItem();
        failure["Method"].ShouldBe("GET");
        failure["Name"].ShouldBe(Awkward);
        failure["Error"].ShouldBe("HTTP 500 \"oops, again\"");
        failure["Occurrences"].ShouldBe("1");
    }

    [Fact]
    public async Task ExceptionsFile_ReadBySep_HasLocustsColumnsAndTheMultiLineTracebackUnchanged()
    {
        CsvExporter exporter = await ExportAsync(fullHistory: false);

        (string[] header, List<Dictionary<string, string>> rows) = Read(exporter.ExceptionsPath);

        header.ShouldBe(["Count", "Message", "Traceback", "Nodes"]);
        Dictionary<string, string> error = rows.ShouldHaveSingleItem();
        error["Count"].ShouldBe("2");
        error["Message"].ShouldBe("InvalidOperationException: no \"cart\", no sale (in ShopUser.Buy)");
        error["Traceback"].ShouldStartWith("System.InvalidOperationException: no \"cart\", no sale");
        error["Traceback"].ShouldContain("\n   at ");
        error["Nodes"].ShouldBe("local");
    }

    private async Task<CsvExporter> ExportAsync(bool fullHistory)
    {
        RunReport report = new RunReportBuilder()
            .WithUsers(3)
            .Request("GET", Awkward, TimeSpan.FromSeconds(0.2), 1.0 * Ms, bytesReceived: 10)
            .Request("GET", Awkward, TimeSpan.FromSeconds(0.4), 1.5 * Ms, bytesReceived: 20, error: "HTTP 500 \"oops, again\"")
            .Request("POST", "/b", TimeSpan.FromSeconds(0.6), 2.0 * Ms)
            .UserError("ShopUser.Buy", "no \"cart\", no sale")
            .UserError("ShopUser.Buy", "no \"cart\", no sale")
            .Build(TimeSpan.FromSeconds(1));
        var exporter = new CsvExporter(Path.Combine(_directory, "run"), fullHistory);
        await exporter.ExportAsync(report);
        return exporter;
    }

    /// <summary>The header and every row of <paramref name="path"/> as Sep reads it, comma separated and unescaped.</summary>
    private static (string[] Header, List<Dictionary<string, string>> Rows) Read(string path)
    {
        using SepReader reader = Sep.New(',').Reader(options => options with { Unescape = true }).FromFile(path);
        string[] header = [.. reader.Header.ColNames];
        var rows = new List<Dictionary<string, string>>();
        foreach (SepReader.Row row in reader)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string name in header)
            {
                fields[name] = row[name].ToString();
            }

            rows.Add(fields);
        }

        return (header, rows);
    }
}
