using System.Text.RegularExpressions;
using Stampede.Reports;

namespace Stampede.Web;

/// <summary>
/// The dashboard's one page: <c>dashboard.html</c> with uPlot (the HTML report's embedded copy), the styles, the
/// start settings and the script inlined, so the page itself needs no further request.
/// </summary>
internal static partial class DashboardPage
{
    private const string ResourcePrefix = "Stampede.Web.Html.";


    /// <summary>The page, its scripts marked with <paramref name="nonce"/> (the Content-Security-Policy admits only those).</summary>
    /// <param name="nonce">A fresh random value per response.</param>
    /// <param name="config">The JSON of the form's defaults; <c>&lt;</c> must already be escaped.</param>
    public static string Render(string nonce, string config)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["nonce"] = nonce,
            ["config"] = config,
            ["uplot-css"] = HtmlReportWriter.Resource("uPlot.min.css"),
            ["dashboard-css"] = Resource("dashboard.css"),
            ["uplot-js"] = ScriptSafe(HtmlReportWriter.Resource("uPlot.iife.min.js")),
            ["dashboard-js"] = ScriptSafe(Resource("dashboard.js")),
        };

        // One pass over the template: text put in is never scanned for placeholders again.
        return Placeholder().Replace(Resource("dashboard.html"), m => values.TryGetValue(m.Groups[1].Value, out string? value)
            ? value
            : throw new InvalidOperationException($"The dashboard template has an unknown placeholder {m.Value}."));
    }

    /// <summary>The text of the embedded resource <c>Stampede.Web.Html.<paramref name="name"/></c>.</summary>
    public static string Resource(string name) =>
        EmbeddedText.Read(ResourcePrefix + name, "the dashboard needs it: rebuild with npm available (see src/Stampede/Stampede.csproj)");

    private static string ScriptSafe(string script) =>
        script.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\{\{([a-z-]+)\}\}")]
    private static partial Regex Placeholder();
}
