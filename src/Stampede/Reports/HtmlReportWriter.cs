using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Stampede.Reports;

/// <summary>
/// Renders a run document as one self-contained HTML page: the settings, the verdict, the analysis
/// (bottleneck, knee, watched resources) when the run has one, the checks (thresholds, SLO objectives,
/// baseline comparison) when the run was judged, the stats, the LLM streams (TTFT, ITL, TPOT, tokens) when the run
/// has any, failures, generator and target sources tables as HTML, and the charts drawn in the browser by uPlot from
/// JSON embedded in the page.
/// </summary>
/// <remarks>
/// The page makes no request of its own: uPlot, the styles and the chart script are inlined from
/// resources embedded in this assembly at build time, so a report opens offline, from a CI artifact
/// or an e-mail, years later. Tables are rendered here rather than by the script so they can be read
/// (and tested) without running it.
/// </remarks>
internal static partial class HtmlReportWriter
{
    private const string ResourcePrefix = "Stampede.Reports.Html.";


    /// <summary>The page of <paramref name="document"/>.</summary>
    public static string Render(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["title"] = Encode(Title(document)),
            ["uplot-css"] = Resource("uPlot.min.css"),
            ["report-css"] = Resource("report.css"),
            ["header"] = Header(document),
            ["analysis-link"] = AnalysisLink(document),
            ["checks-link"] = ChecksLink(document),
            ["analysis"] = Analysis(document),
            ["checks"] = Checks(document),
            ["settings"] = Settings(document),
            ["stats"] = Stats(document),
            ["llm-link"] = LlmLink(document),
            ["llm"] = Llm(document),
            ["failures"] = Failures(document),
            ["generator"] = Generator(document.Generator),
            ["cluster-link"] = ClusterLink(document),
            ["cluster"] = Cluster(document),
            ["target-link"] = TargetLink(document),
            ["target"] = Target(document),
            ["analysis-definitions"] = AnalysisDefinitions(document) + DriftDefinitions(document) + LlmDefinitions(document),
            ["data"] = HtmlReportPayload.ToJson(document),
            ["uplot-js"] = ScriptSafe(Resource("uPlot.iife.min.js")),
            ["report-js"] = ScriptSafe(Resource("report.js")),
        };

        // One pass over the template: text put in is never scanned for placeholders again.
        return Placeholder().Replace(Resource("report.html"), m => values.TryGetValue(m.Groups[1].Value, out string? value)
            ? value
            : throw new InvalidOperationException($"The report template has an unknown placeholder {m.Value}."));
    }

    /// <summary>Writes the page of <paramref name="document"/> to <paramref name="path"/>, creating its directory.</summary>
    public static async Task WriteAsync(RunDocument document, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string html = Render(document);
        OutputFile.EnsureDirectory(path);

        await File.WriteAllTextAsync(path, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The text of the embedded resource <c>Stampede.Reports.Html.<paramref name="name"/></c>.</summary>
    /// <exception cref="InvalidOperationException">The assembly was built without it (the npm step of the build did not run).</exception>
    public static string Resource(string name) =>
        EmbeddedText.Read(ResourcePrefix + name, "the HTML report needs it: rebuild with npm available (see src/Stampede/Stampede.csproj)");

    /// <summary>The version of the embedded uPlot, from its banner.</summary>
    public static string UPlotVersion => UPlotBanner().Match(Resource("uPlot.iife.min.js")) is { Success: true } m ? m.Groups[1].Value : "unknown";

    private static string Title(RunDocument document) =>
        string.Create(CultureInfo.InvariantCulture, $"Stampede report: {document.Run.Settings.Host ?? string.Join(", ", document.Run.UserClasses.Select(c => c.Name))}, {document.Run.StartedAt:yyyy-MM-dd HH:mm:ss zzz}");

    /// <summary>HTML-encodes text for an element or a quoted attribute.</summary>
    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>Script text that cannot end its <c>&lt;script&gt;</c> element early.</summary>
    private static string ScriptSafe(string script) =>
        script.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\{\{([a-z-]+)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"uPlot \(v([0-9.]+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex UPlotBanner();
}
