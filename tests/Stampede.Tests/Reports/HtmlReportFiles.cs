using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Stampede.Reports;

namespace Stampede.Tests.Reports;

/// <summary>
/// The HTML report's fixed inputs (HtmlReport/run.json: a 20-second, 3-row run recorded through the real
/// aggregator, with failures, a user error and a generator warning; HtmlReport/run-checks.json: the same
/// run judged by thresholds, SLO objectives and a baseline) and their approved outputs.
/// </summary>
internal static partial class HtmlReportFiles
{
    /// <summary>The folder of the fixture and approved files, in the source tree (so a received file lands beside its approved one).</summary>
    public static string Directory { get; } = Path.Combine(SourceDirectory(), "HtmlReport");

    public static string RunDocumentPath => Path.Combine(Directory, "run.json");

    /// <summary>
    /// run.json with the checks a CI run would add: thresholds that pass, fail and find no row, an SLO
    /// objective met and one missed with its error budget overspent (248.5%), and a baseline against which
    /// "POST predict large" regressed (p95, p99), "POST predict small" and the aggregated row are
    /// unchanged and "GET /health" is new. Its measured values are run.json's; the baseline's values and
    /// p-values are made up, with reasons worded as the comparer words them. Exit code 3.
    /// </summary>
    public static string RunWithChecksDocumentPath => Path.Combine(Directory, "run-checks.json");

    /// <summary>
    /// run.json with what a run that watched the system under test adds: a <c>target</c> with two sources (the
    /// demo's Prometheus endpoint, whose scrape at second 3 timed out, and the local process pid 4242) and five
    /// series (CPU in cores of 2, resident memory without a capacity, the queue of 64 with a label, the workers
    /// busy of 2, and an inference time kept as evidence only), one value per history second; and an
    /// <c>analysis.bottleneck</c> naming <c>cpu</c> at the throughput plateau from history second 9, with the
    /// evidence of the four resources. Hand-written: its target values are made up to match the run's ramp.
    /// </summary>
    public static string RunWithTargetDocumentPath => Path.Combine(Directory, "run-target.json");

    public static Task<RunDocument> ReadRunAsync() => RunDocumentReader.ReadAsync(RunDocumentPath);

    public static Task<RunDocument> ReadRunWithChecksAsync() => RunDocumentReader.ReadAsync(RunWithChecksDocumentPath);

    public static Task<RunDocument> ReadRunWithTargetAsync() => RunDocumentReader.ReadAsync(RunWithTargetDocumentPath);

    /// <summary>The JSON payload embedded in <paramref name="html"/>.</summary>
    public static JsonObject Payload(string html)
    {
        Match match = PayloadElement().Match(html);
        match.Success.ShouldBeTrue("the page has no <script type=\"application/json\" id=\"report-data\"> element");
        return JsonNode.Parse(match.Groups[1].Value)!.AsObject();
    }

    /// <summary>
    /// The page with what is not rendered from the run elided: the embedded uPlot, the report's own
    /// stylesheet and script (static resources), and the payload (approved on its own, indented).
    /// </summary>
    public static string Structure(string html)
    {
        string text = PayloadElement().Replace(html, "<script type=\"application/json\" id=\"report-data\">[payload: payload.approved.json]</script>");
        foreach (string id in (string[])["uplot-css", "report-css"])
        {
            text = Regex.Replace(text, $"<style id=\"{id}\">.*?</style>", $"<style id=\"{id}\">[{id}]</style>", RegexOptions.Singleline);
        }

        foreach (string id in (string[])["uplot-js", "report-js"])
        {
            text = Regex.Replace(text, $"<script id=\"{id}\">.*?</script>", $"<script id=\"{id}\">[{id}]</script>", RegexOptions.Singleline);
        }

        return text;
    }

    /// <summary><paramref name="node"/> indented, with each array of numbers on one line so a diff shows which series changed.</summary>
    public static string Indented(JsonNode node)
    {
        var text = new StringBuilder();
        Write(node, 0);
        return text.Append('\n').ToString();

        void Write(JsonNode? value, int depth)
        {
            string indent = new(' ', 2 * (depth + 1));
            switch (value)
            {
                case JsonObject obj:
                    text.Append("{\n");
                    int i = 0;
                    foreach ((string key, JsonNode? child) in obj)
                    {
                        text.Append(indent).Append(JsonValue.Create(key).ToJsonString()).Append(": ");
                        Write(child, depth + 1);
                        text.Append(++i < obj.Count ? ",\n" : "\n");
                    }

                    text.Append(' ', 2 * depth).Append('}');
                    break;
                case JsonArray array when array.All(v => v is null or JsonValue):
                    text.Append('[').AppendJoin(", ", array.Select(v => v?.ToJsonString() ?? "null")).Append(']');
                    break;
                case JsonArray array:
                    text.Append("[\n");
                    for (int j = 0; j < array.Count; j++)
                    {
                        text.Append(indent);
                        Write(array[j], depth + 1);
                        text.Append(j + 1 < array.Count ? ",\n" : "\n");
                    }

                    text.Append(' ', 2 * depth).Append(']');
                    break;
                default:
                    text.Append(value?.ToJsonString() ?? "null");
                    break;
            }
        }
    }

    /// <summary>
    /// Compares <paramref name="actual"/> with the approved file <paramref name="name"/>; on a difference
    /// writes <c>*.received.*</c> beside it (compare, then rename it to approve) and fails.
    /// </summary>
    public static void ShouldMatchApproved(string actual, string name)
    {
        string approvedPath = Path.Combine(Directory, name);
        string receivedPath = Path.Combine(Directory, name.Replace(".approved.", ".received.", StringComparison.Ordinal));
        string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;
        if (approved == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
        actual.ShouldBe(approved, $"the rendered output differs from {approvedPath}; the new output is in {receivedPath} (rename it to approve it)");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    [GeneratedRegex("<script type=\"application/json\" id=\"report-data\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex PayloadElement();
}
