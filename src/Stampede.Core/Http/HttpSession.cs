using System.Net;
using System.Net.Http.Headers;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Security;

namespace Stampede.Http;

/// <summary>
/// A virtual user's HTTP client (Locust's <c>self.client</c>): every request is timed from the moment it
/// is sent to the response headers (time to first byte) and to the last body byte, and recorded in the
/// row named by <c>name</c> (the path when none is given).
/// </summary>
/// <remarks>
/// A request that fails (connection refused or reset, timeout, malformed response, non-2xx status,
/// a failed check) returns a result whose <see cref="HttpResult.Error"/> says why; it never throws,
/// so one failure does not end the task. Only stopping the user cancels a request, and a request
/// cancelled that way is not recorded.
/// </remarks>
public sealed partial class HttpSession : IDisposable
{
    private const int UriCacheLimit = 4096;

    // One cache of URIs for every user with the same host (looked up once, when the session is made): a user's own
    // would cost each of 10,000 users a dictionary and a copy of every URI, about 450 bytes (bench/peers/RESULTS-10k.md).
    // A Uri is immutable and safe to share between requests. At most UriCacheLimit URIs are kept in the process.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentDictionary<string, Uri>> s_uriCaches = new(StringComparer.Ordinal);
    private static int s_urisCached;

#pragma warning disable CA5359 // Accepting any certificate is what --insecure asks for, explicitly, and every report of such a run says so.
    private static readonly System.Net.Security.SslClientAuthenticationOptions s_acceptAnyCertificate = new() { RemoteCertificateValidationCallback = static (_, _, _, _) => true };
#pragma warning restore CA5359

    // Every handler copies the options it is given, so one instance serves them all.
    private static readonly System.Net.Security.SslClientAuthenticationOptions s_validateCertificates = new();

    // The handler chain called directly rather than through HttpClient, whose SendAsync adds, per request, a linked
    // cancellation source registered with this user's deadline and its own pending-requests source (young objects
    // written into old ones, which every collection must then scan) and a state machine: about 370 bytes a request
    // that the session's own deadline makes useless. What HttpClient would add besides, the default headers, is done
    // in SendCoreAsync.
    private readonly HttpMessageInvoker _invoker;
    private HttpRequestMessage? _defaults;
    private readonly UserContext _context;
    private readonly string _basePrefix;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> _uris;
    private readonly DeadlineSources _deadlines;
    private readonly Version _version;
    private readonly HttpVersionPolicy _versionPolicy;
    private bool _secretHeadersNoted;

    internal HttpSession(Uri baseAddress, UserContext context, Version httpVersion)
    {
        _context = context;
        _deadlines = new DeadlineSources(context.Kill);
        _basePrefix = UriCredentials.WithoutUserInfo(baseAddress).GetLeftPart(UriPartial.Path).TrimEnd('/');
        _uris = s_uriCaches.GetOrAdd(_basePrefix, static _ => new(StringComparer.Ordinal));
        HttpMessageHandler handler = context.Settings.SharedHandler
            ?? CreateHandler(context.Settings, useCookies: true, SourceAddresses.For(context.Settings.SourceAddresses, context.UserId));
        _invoker = new HttpMessageInvoker(handler, disposeHandler: context.Settings.SharedHandler is null);
        if (UriCredentials.BasicFrom(baseAddress) is { } basic)
        {
            DefaultRequestHeaders.Authorization = basic;
        }
        _version = httpVersion;

        // Plain-text HTTP/2 needs prior knowledge (h2c): ask for exactly the version given.
        _versionPolicy = httpVersion.Major >= 2 && baseAddress.Scheme == Uri.UriSchemeHttp
            ? HttpVersionPolicy.RequestVersionExact
            : HttpVersionPolicy.RequestVersionOrLower;
        RequestTimeout = context.Settings.RequestTimeout;
    }

    /// <summary>Headers sent with every request of this user (authorization, user agent).</summary>
    /// <remarks>Held by a message of their own, made when first asked for: most users never set one.</remarks>
    public HttpRequestHeaders DefaultRequestHeaders => (_defaults ??= new HttpRequestMessage()).Headers;

    /// <summary>How long a request may take, to the last body byte, before it fails with a timeout.</summary>
    /// <value>The run's <c>--request-timeout</c> (60 s unless set).</value>
    public TimeSpan RequestTimeout { get; set; }

    /// <summary>Sends a GET request.</summary>
    /// <param name="path">A path appended to the host (<c>/predict</c>), or an absolute URL.</param>
    /// <param name="name">The statistics row; defaults to <paramref name="path"/>. Give one name to URLs that differ only by ids.</param>
    /// <param name="check">Inspects the result before it is recorded and may call <see cref="HttpResult.Failure"/> or <see cref="HttpResult.Success"/>.</param>
    /// <param name="timeout">Overrides <see cref="RequestTimeout"/> for this request.</param>
    public Task<HttpResult> GetAsync(string path, string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Get, path, null, name, check, timeout);

    /// <summary>Sends a POST request with <paramref name="content"/> as its body.</summary>
    /// <param name="path">A path appended to the host (<c>/predict</c>), or an absolute URL.</param>
    /// <param name="content">The request body, or <see langword="null"/> for none.</param>
    /// <param name="name">The statistics row; defaults to <paramref name="path"/>.</param>
    /// <param name="check">Inspects the result before it is recorded; may call <see cref="HttpResult.Failure"/> or <see cref="HttpResult.Success"/>.</param>
    /// <param name="timeout">Overrides <see cref="RequestTimeout"/> for this request.</param>
    public Task<HttpResult> PostAsync(string path, HttpContent? content, string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Post, path, content, name, check, timeout);

    /// <summary>Sends a PUT request.</summary>
    /// <param name="path">A path appended to the host (<c>/predict</c>), or an absolute URL.</param>
    /// <param name="content">The request body, or <see langword="null"/> for none.</param>
    /// <param name="name">The statistics row; defaults to <paramref name="path"/>.</param>
    /// <param name="check">Inspects the result before it is recorded; may call <see cref="HttpResult.Failure"/> or <see cref="HttpResult.Success"/>.</param>
    /// <param name="timeout">Overrides <see cref="RequestTimeout"/> for this request.</param>
    public Task<HttpResult> PutAsync(string path, HttpContent? content, string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Put, path, content, name, check, timeout);

    /// <summary>Sends a PATCH request.</summary>
    /// <param name="path">A path appended to the host (<c>/predict</c>), or an absolute URL.</param>
    /// <param name="content">The request body, or <see langword="null"/> for none.</param>
    /// <param name="name">The statistics row; defaults to <paramref name="path"/>.</param>
    /// <param name="check">Inspects the result before it is recorded; may call <see cref="HttpResult.Failure"/> or <see cref="HttpResult.Success"/>.</param>
    /// <param name="timeout">Overrides <see cref="RequestTimeout"/> for this request.</param>
    public Task<HttpResult> PatchAsync(string path, HttpContent? content, string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Patch, path, content, name, check, timeout);

    /// <summary>Sends a DELETE request.</summary>
    /// <param name="path">A path appended to the host (<c>/predict</c>), or an absolute URL.</param>
    /// <param name="name">The statistics row; defaults to <paramref name="path"/>.</param>
    /// <param name="check">Inspects the result before it is recorded; may call <see cref="HttpResult.Failure"/> or <see cref="HttpResult.Success"/>.</param>
    /// <param name="timeout">Overrides <see cref="RequestTimeout"/> for this request.</param>
    public Task<HttpResult> DeleteAsync(string path, string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Delete, path, null, name, check, timeout);

    /// <summary>Sends a HEAD request.</summary>
    /// <param name="path">A path appended to the host (<c>/predict</c>), or an absolute URL.</param>
    /// <param name="name">The statistics row; defaults to <paramref name="path"/>.</param>
    /// <param name="check">Inspects the result before it is recorded; may call <see cref="HttpResult.Failure"/> or <see cref="HttpResult.Success"/>.</param>
    /// <param name="timeout">Overrides <see cref="RequestTimeout"/> for this request.</param>
    public Task<HttpResult> HeadAsync(string path, string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Head, path, null, name, check, timeout);

    /// <summary>Sends a request built by the caller (any method, headers). A relative URI is appended to the host; the run's HTTP version applies.</summary>
    /// <param name="request">The request; this method disposes it.</param>
    /// <param name="name">The statistics row; defaults to the request's URI as given.</param>
    /// <param name="check">Inspects the result before it is recorded.</param>
    /// <param name="timeout">Overrides <see cref="RequestTimeout"/> for this request.</param>
    public Task<HttpResult> SendAsync(HttpRequestMessage request, string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        string given = request.RequestUri?.OriginalString ?? "/";
        if (request.RequestUri is null || !request.RequestUri.IsAbsoluteUri)
        {
            request.RequestUri = Resolve(given);
        }

        request.Version = _version;
        request.VersionPolicy = _versionPolicy;

        return SendCoreAsync(request, name ?? given, check, timeout ?? RequestTimeout);
    }

    /// <summary>Closes this user's connections.</summary>
    public void Dispose()
    {
        _invoker.Dispose();
        _defaults?.Dispose();
        _deadlines.Dispose();
    }

    internal static SocketsHttpHandler CreateHandler(RunSettings settings, bool useCookies, IPAddress? source = null) => new()
    {
        SslOptions = settings.Insecure ? s_acceptAnyCertificate : s_validateCertificates,
        ConnectCallback = source is null ? null : SourceAddresses.ConnectFrom(source),
        UseProxy = false,
        UseCookies = useCookies,
        AllowAutoRedirect = true,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = settings.RequestTimeout,

        // No trace-context headers: the generator should send what the scenario says, nothing more.
        ActivityHeadersPropagator = null,
    };

    private Task<HttpResult> SendAsync(HttpMethod method, string path, HttpContent? content, string? name, Action<HttpResult>? check, TimeSpan? timeout)
    {
        ArgumentNullException.ThrowIfNull(path);
        var request = new HttpRequestMessage(method, Resolve(path)) { Content = content, Version = _version, VersionPolicy = _versionPolicy };
        return SendCoreAsync(request, name ?? path, check, timeout ?? RequestTimeout);
    }

    /// <summary>
    /// Sends <paramref name="request"/> and hands a successful response's body to <paramref name="readBody"/> as it
    /// streams, instead of buffering it; the row's time to first byte is then the first content the reader saw
    /// (an LLM's first token), its response time the end of the stream, and a reader's error the request's failure.
    /// </summary>
    internal Task<HttpResult> SendStreamingAsync(HttpRequestMessage request, string name, Func<Stream, CancellationToken, Task<StreamedBody>> readBody, Action<HttpResult>? check, TimeSpan? timeout)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(readBody);
        if (request.RequestUri is null || !request.RequestUri.IsAbsoluteUri)
        {
            request.RequestUri = Resolve(request.RequestUri?.OriginalString ?? "/");
        }

        request.Version = _version;
        request.VersionPolicy = _versionPolicy;
        return SendCoreAsync(request, name, check, timeout ?? RequestTimeout, readBody);
    }

    private async Task<HttpResult> SendCoreAsync(HttpRequestMessage request, string name, Action<HttpResult>? check, TimeSpan timeout, Func<Stream, CancellationToken, Task<StreamedBody>>? readBody = null)
    {
        if (!_secretHeadersNoted)
        {
            NoteSecretHeaders();
        }

        MetricsRecorder recorder = _context.Recorder;
        TimeProvider time = _context.Time;
        int rowId = recorder.GetRowId(request.Method.Method, name);
        long bytesSent = request.Content?.Headers.ContentLength ?? 0;
        CancellationToken kill = _context.Kill;

        CancellationTokenSource deadline = _deadlines.Rent(timeout);

        HttpResponseMessage? response = null;
        byte[] body = [];
        long received = 0;
        bool truncated = false;
        StreamedTokens? tokens = null;
        string? error = null;
        Exception? exception = null;
        long start = time.GetTimestamp();
        long intendedStart = _context.TakeIntendedStart(start, out bool scheduled);
        long firstByte = start;
        long end;
        try
        {
            AddDefaultHeaders(request);
            response = await _invoker.SendAsync(request, deadline.Token).ConfigureAwait(false);
            firstByte = time.GetTimestamp();
            if (readBody is not null && response.IsSuccessStatusCode)
            {
                Stream stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    StreamedBody streamed = await readBody(stream, deadline.Token).ConfigureAwait(false);
                    end = streamed.Ended ?? time.GetTimestamp();
                    kill.ThrowIfCancellationRequested();
                    firstByte = streamed.FirstContent ?? firstByte;
                    received = streamed.Bytes;
                    error = streamed.TimedOut ? FailureReason.ForTimeout(timeout) : streamed.Error;
                    tokens = streamed.Llm;
                }
            }
            else
            {
                long maxBody = _context.Settings.MaxBodyBytes;
                if (response.Content.Headers.ContentLength is long length && length <= maxBody)
                {
                    // The usual case, read as before the cap existed: no extra state machine per request.
                    body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
                    received = body.Length;
                }
                else
                {
                    (body, received, truncated) = await ReadCappedBodyAsync(response.Content, maxBody, deadline.Token).ConfigureAwait(false);
                }

                end = time.GetTimestamp();
                if (!response.IsSuccessStatusCode)
                {
                    error = FailureReason.ForStatus((int)response.StatusCode, response.ReasonPhrase, response.Headers.RetryAfter);
                }
            }
        }
        catch (OperationCanceledException) when (kill.IsCancellationRequested)
        {
            // The user is being stopped: the request is abandoned, not measured.
            response?.Dispose();
            request.Dispose();
            throw;
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested || ex.InnerException is TimeoutException)
        {
            // The handler's connect timeout (TCP and TLS, set to the request timeout) can fire a moment before the deadline.
            end = time.GetTimestamp();
            error = FailureReason.ForTimeout(timeout);
            exception = ex;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException or OperationCanceledException)
        {
            end = time.GetTimestamp();
            error = FailureReason.ForException(ex);
            exception = ex;
            recorder.NoteCause(error, UnreachableCause.Of(ex, request.RequestUri));
        }
        finally
        {
            request.Dispose();
            _deadlines.Return(deadline);
        }

        double frequency = time.TimestampFrequency;
        var result = new HttpResult(
            response is null ? 0 : (int)response.StatusCode,
            response?.ReasonPhrase,
            response?.Headers,
            response?.Content.Headers,
            body,
            TimeSpan.FromSeconds((end - start) / frequency),
            TimeSpan.FromSeconds((firstByte - start) / frequency),
            error,
            exception,
            truncated);
        response?.Dispose();

        RequestRecording.CheckAndRecord(recorder, result, check, rowId, intendedStart, start, firstByte, end, bytesSent, received, scheduled);
        if (tokens is { ContentTimestamps.Count: > 0 } && result.Error is null)
        {
            recorder.RecordLlm(new LlmSample
            {
                RowId = rowId,
                IntendedStart = intendedStart,
                End = end,
                ContentTimestamps = tokens.ContentTimestamps,
                OutputTokens = tokens.OutputTokens,
                TokensFromUsage = tokens.FromUsage,
                InputTokens = tokens.InputTokens,
            });
        }

        return result;
    }

    /// <summary>
    /// Reads a longer or unannounced body (chunked, or to the connection's end) to its end through a pooled buffer,
    /// keeping at most <paramref name="max"/> bytes of it and counting the rest. A body that fits the buffer, the usual
    /// answer of a model server, costs one array of its own size.
    /// </summary>
    private static async Task<(byte[] Body, long Received, bool Truncated)> ReadCappedBodyAsync(HttpContent content, long max, CancellationToken cancellationToken)
    {
        Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        MemoryStream? more = null;
        try
        {
            await using (stream.ConfigureAwait(false))
            {
                // The buffer holds the first bytes kept; past it, the kept bytes go on in a MemoryStream.
                int buffered = 0;
                long total = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(buffered), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    long room = Math.Max(0, max - total);
                    total += read;
                    int keep = (int)Math.Min(read, room);
                    if (more is null && buffered + keep < buffer.Length)
                    {
                        buffered += keep;
                        continue;
                    }

                    more ??= new MemoryStream();
                    more.Write(buffer, 0, buffered + keep);
                    buffered = 0;
                }

                long kept = Math.Min(total, max);
                if (more is null)
                {
                    return (buffered == 0 ? [] : buffer.AsSpan(0, buffered).ToArray(), total, total > kept);
                }

                more.Write(buffer, 0, buffered);
                return (more.ToArray(), total, total > kept);
            }
        }
        finally
        {
            more?.Dispose();
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Makes the values of the secret default headers (Authorization, X-Api-Key, Cookie …) a user has set up
    /// <see cref="Secrets"/>, so that a server echoing one into an error text does not put it in a report: called when
    /// the user has started and at its first request.
    /// </summary>
    internal void NoteSecretHeaders()
    {
        _secretHeadersNoted = true;
        if (_defaults is null)
        {
            return;
        }

        foreach (KeyValuePair<string, HeaderStringValues> header in _defaults.Headers.NonValidated)
        {
            if (!Secrets.IsSensitiveName(header.Key))
            {
                continue;
            }

            foreach (string value in header.Value)
            {
                Secrets.Add(value);

                // The parts too, not their names: a scheme's credentials ("Bearer <token>") and each cookie's value.
                int space = value.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0)
                {
                    Secrets.Add(value[(space + 1)..].Trim());
                }

                foreach (string part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    int equals = part.IndexOf('=', StringComparison.Ordinal);
                    if (equals > 0)
                    {
                        Secrets.Add(part[(equals + 1)..]);
                    }
                }
            }
        }
    }

    /// <summary>Adds each of <see cref="DefaultRequestHeaders"/> that <paramref name="request"/> does not set itself, as HttpClient does.</summary>
    private void AddDefaultHeaders(HttpRequestMessage request)
    {
        if (_defaults is null)
        {
            return;
        }

        HttpHeadersNonValidated defaults = _defaults.Headers.NonValidated;
        if (defaults.Count == 0)
        {
            return;
        }

        HttpRequestHeaders headers = request.Headers;
        foreach (KeyValuePair<string, HeaderStringValues> header in defaults)
        {
            if (!headers.NonValidated.Contains(header.Key))
            {
                _ = header.Value.Count == 1
                    ? headers.TryAddWithoutValidation(header.Key, header.Value.ToString())
                    : headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    private Uri Resolve(string path)
    {
        if (_uris.TryGetValue(path, out Uri? uri))
        {
            return uri;
        }

        if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            uri = new Uri(path, UriKind.Absolute);
        }
        else
        {
            // Locust joins host and path as strings, so a host with a path prefix keeps it.
            uri = new Uri(path.StartsWith('/') ? _basePrefix + path : _basePrefix + "/" + path, UriKind.Absolute);
        }

        // Counted apart: ConcurrentDictionary.Count takes every lock, and paths with ids miss on every request.
        if (Volatile.Read(ref s_urisCached) < UriCacheLimit && _uris.TryAdd(path, uri))
        {
            Interlocked.Increment(ref s_urisCached);
        }

        return uri;
    }
}
