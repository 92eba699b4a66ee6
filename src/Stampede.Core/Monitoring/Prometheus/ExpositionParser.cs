namespace Stampede.Monitoring.Prometheus;

/// <summary>
/// Reads what a <c>/metrics</c> endpoint returns: the Prometheus text format 0.0.4 or OpenMetrics 1.0 text.
/// </summary>
/// <remarks>
/// Lenient and total: it never throws; a malformed line is skipped with an <see cref="ExpositionWarning"/> and the
/// rest is still read, so one bad series from an exporter does not hide the others. A body that is not metrics at
/// all (an HTML login page, a 404 text) yields no families and one warning that says so. Allocates the strings of
/// names and label values once per exposition (repeats are shared) and one <see cref="LabelSet"/> per sample.
/// </remarks>
internal static class ExpositionParser
{
    private const string OpenMetricsMediaType = "application/openmetrics-text";
    private const string TextMediaType = "text/plain";

    /// <summary>Parses one exposition.</summary>
    /// <param name="text">The whole response body.</param>
    /// <param name="openMetrics">
    /// <see langword="null"/> (the default) to detect: OpenMetrics when a <c># EOF</c> line ends the text;
    /// <see langword="true"/> to read OpenMetrics (a missing <c># EOF</c> is then a warning: the body may be truncated);
    /// <see langword="false"/> to read text 0.0.4 (<c># EOF</c> is then an ordinary comment). Usually the result of
    /// <see cref="FormatFromContentType"/>.
    /// </param>
    /// <returns>The families, samples and warnings; never <see langword="null"/>.</returns>
    public static Exposition Parse(string text, bool? openMetrics = null) =>
        new ExpositionReader(openMetrics).Read(text ?? string.Empty);

    /// <summary>Decides the format from an HTTP <c>Content-Type</c> header value.</summary>
    /// <param name="contentType">The header value, for example <c>application/openmetrics-text; version=1.0.0; charset=utf-8</c>.</param>
    /// <returns>
    /// <see langword="true"/> for <c>application/openmetrics-text</c>, <see langword="false"/> for <c>text/plain</c>
    /// (the 0.0.4 text format), <see langword="null"/> (detect) for anything else or no header.
    /// </returns>
    public static bool? FormatFromContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        ReadOnlySpan<char> mediaType = contentType;
        int parameters = mediaType.IndexOf(';');
        if (parameters >= 0)
        {
            mediaType = mediaType[..parameters];
        }

        mediaType = mediaType.Trim();
        if (mediaType.Equals(OpenMetricsMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (mediaType.Equals(TextMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return null;
    }
}
