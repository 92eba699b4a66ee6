namespace Stampede.Monitoring;

/// <summary>A Prometheus endpoint scraped while the load runs (<c>--metrics-url [NAME=]URL</c>).</summary>
/// <param name="Name">The source's name in outputs (<c>gpu</c>, <c>node</c>); the URL's host and port when none was given.</param>
/// <param name="Url">The absolute http:// or https:// URL of its metrics, e.g. <c>http://127.0.0.1:9100/metrics</c>.</param>
public sealed record MetricsEndpoint(string Name, Uri Url)
{
    /// <summary>Reads <c>URL</c> or <c>NAME=URL</c>.</summary>
    /// <param name="text">What the flag was given.</param>
    /// <param name="endpoint">The endpoint, when valid.</param>
    /// <param name="error">What is wrong and what would be valid, when not.</param>
    public static bool TryParse(string text, out MetricsEndpoint? endpoint, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        endpoint = null;
        string trimmed = text.Trim();
        string? name = null;
        int equals = trimmed.IndexOf('=', StringComparison.Ordinal);
        int scheme = trimmed.IndexOf("://", StringComparison.Ordinal);
        if (equals > 0 && (scheme < 0 || equals < scheme))
        {
            name = trimmed[..equals].Trim();
            trimmed = trimmed[(equals + 1)..].Trim();
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                error = $"'{text}': the source name '{name}' may hold only letters, digits, '-', '_' and '.', e.g. gpu=http://127.0.0.1:9400/metrics.";
                return false;
            }
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            error = $"'{text}' is not an absolute http:// or https:// URL; give one such as http://127.0.0.1:9100/metrics, optionally named: node=http://127.0.0.1:9100/metrics.";
            return false;
        }

        endpoint = new MetricsEndpoint(name ?? url.Authority, url);
        error = null;
        return true;
    }
}
