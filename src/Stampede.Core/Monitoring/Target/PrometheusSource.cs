using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Stampede.Monitoring.Prometheus;
using Stampede.Security;

namespace Stampede.Monitoring.Target;

/// <summary>
/// A Prometheus endpoint scraped over its own connection (never the virtual users' pools), asking for
/// OpenMetrics or the text format 0.0.4 as Prometheus does, with a time limit and a size cap.
/// </summary>
internal sealed class PrometheusSource : ITargetSource
{
    /// <summary>What Prometheus itself sends: OpenMetrics first, then the text format.</summary>
    private const string Accept = "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private readonly MetricsEndpoint _endpoint;
    private readonly TimeSpan _timeout;
    private readonly long _maxBytes;
    private readonly HttpClient _client;
    private readonly Uri _url;
    private readonly System.Net.Http.Headers.AuthenticationHeaderValue? _authorization;

    public PrometheusSource(MetricsEndpoint endpoint, TimeSpan timeout, long maxBytes = DefaultMaxBytes)
    {
        _endpoint = endpoint;
        _timeout = timeout;
        _maxBytes = maxBytes;
        _url = UriCredentials.WithoutUserInfo(endpoint.Url);
        _authorization = UriCredentials.BasicFrom(endpoint.Url);
        Address = Secrets.Redact(endpoint.Url.ToString());
        _client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            ConnectTimeout = timeout,
            UseCookies = false,
            UseProxy = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The largest exposition read, bytes: a bigger one is refused rather than parsed every second.</summary>
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    public string Name => _endpoint.Name;

    public string Address { get; }

    public string Kind => "prometheus";

    public bool IsLocal => _endpoint.Url.IsLoopback;

    public string HostKey => _endpoint.Url.IsLoopback ? "localhost" : _endpoint.Url.Host;

    public async Task<SourceReading> ReadAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _url);
            request.Headers.TryAddWithoutValidation("Accept", Accept);
            request.Headers.Authorization = _authorization;
            using HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return SourceReading.Failed(string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase} from {Address}: check the metrics path"));
            }

            string? contentType = response.Content.Headers.ContentType?.ToString();
            if (response.Content.Headers.ContentLength is long length && length > _maxBytes)
            {
                return SourceReading.Failed(TooLarge(length));
            }

            string? text = await ReadCappedAsync(response, timeout.Token).ConfigureAwait(false);
            if (text is null)
            {
                return SourceReading.Failed(TooLarge(null));
            }

            Exposition exposition = ExpositionParser.Parse(text, ExpositionParser.FormatFromContentType(contentType));
            if (exposition.Families.Count == 0 && exposition.Warnings.Count > 0)
            {
                return new SourceReading(exposition, exposition.Warnings[0].Message);
            }

            return new SourceReading(exposition, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SourceReading.Failed(string.Create(CultureInfo.InvariantCulture, $"timed out after {_timeout.TotalSeconds:0.###} s (--metrics-timeout)"), timedOut: true);
        }
        catch (HttpRequestException ex)
        {
            return SourceReading.Failed(Describe(ex));
        }
        catch (IOException ex)
        {
            return SourceReading.Failed($"the connection broke while reading ({ex.Message})");
        }
        catch (InvalidDataException ex)
        {
            // A body that says Content-Encoding: gzip (or deflate) but is not: the decompressing stream throws this, not an IOException.
            return SourceReading.Failed($"the body could not be decompressed ({ex.Message}): the exporter sent a bad Content-Encoding");
        }
    }

    public void Dispose() => _client.Dispose();

    private string TooLarge(long? length) => string.Create(
        CultureInfo.InvariantCulture,
        $"the exposition is larger than {_maxBytes / (1024.0 * 1024):0.#} MiB{(length is { } l ? $" ({l / (1024.0 * 1024):0.#} MiB)" : string.Empty)}: scraping it every interval would load the generator; point --metrics-url at a smaller endpoint or filter it (e.g. node_exporter's collect[] parameters)");

    /// <summary>The body as text, or <see langword="null"/> when it passes the size cap.</summary>
    private async Task<string?> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[64 * 1024];
            while (true)
            {
                int read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (buffer.Length + read > _maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }

    private string Describe(HttpRequestException ex) => ex.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => $"connection refused by {_endpoint.Url.Authority}: is the exporter running?",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } => $"the host {_endpoint.Url.Host} was not found",
        SocketException socket => $"network error {socket.SocketErrorCode} talking to {_endpoint.Url.Authority}",
        _ => $"the request failed: {ex.Message}",
    };
}
