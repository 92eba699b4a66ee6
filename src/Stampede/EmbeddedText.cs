using System.Collections.Concurrent;
using System.Text;

namespace Stampede;

/// <summary>The text files embedded in this assembly (the HTML report's and the dashboard's pages, styles and scripts), read once each.</summary>
internal static class EmbeddedText
{
    private static readonly ConcurrentDictionary<string, string> s_texts = new(StringComparer.Ordinal);

    /// <summary>The UTF-8 text of the embedded resource <paramref name="resource"/> (its full manifest name).</summary>
    /// <param name="resource">The manifest name, e.g. <c>Stampede.Reports.Html.report.css</c>.</param>
    /// <param name="missing">What to say when it is not embedded: which build step puts it there.</param>
    /// <exception cref="InvalidOperationException">The assembly was built without it.</exception>
    public static string Read(string resource, string missing) => s_texts.GetOrAdd(resource, static (name, hint) =>
    {
        using Stream stream = typeof(EmbeddedText).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The resource '{name}' is not embedded in {typeof(EmbeddedText).Assembly.GetName().Name}; {hint}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }, missing);
}
