using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Stampede.Http;

/// <summary>
/// The outcome of one request made through <see cref="HttpSession"/>: status, headers, body and
/// timings, and whether it counted as a failure. Inside a <c>check</c> callback the scenario can
/// overrule the verdict with <see cref="Failure"/> or <see cref="Success"/> (Locust's <c>catch_response</c>).
/// </summary>
public sealed class HttpResult
{
    private bool _sealed;
    private string? _text;

    internal HttpResult(int statusCode, string? reasonPhrase, HttpResponseHeaders? headers, HttpContentHeaders? contentHeaders, byte[] body, TimeSpan elapsed, TimeSpan timeToFirstByte, string? error, Exception? exception, bool bodyTruncated = false)
    {
        BodyTruncated = bodyTruncated;
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        Headers = headers;
        ContentHeaders = contentHeaders;
        Body = body;
        Elapsed = elapsed;
        TimeToFirstByte = timeToFirstByte;
        Error = error;
        Exception = exception;
    }

    /// <summary>HTTP status code; 0 when no response arrived (connection refused, reset, timeout).</summary>
    public int StatusCode { get; }

    /// <summary>The status as an enum.</summary>
    public HttpStatusCode Status => (HttpStatusCode)StatusCode;

    /// <summary>The reason phrase the server sent, if any.</summary>
    public string? ReasonPhrase { get; }

    /// <summary>Response headers; <see langword="null"/> when no response arrived.</summary>
    public HttpResponseHeaders? Headers { get; }

    /// <summary>Content headers (type, length); <see langword="null"/> when no response arrived.</summary>
    public HttpContentHeaders? ContentHeaders { get; }

    /// <summary>The response body as received, up to the run's <c>--max-body</c> (4 MiB unless set).</summary>
    public byte[] Body { get; private set; }

    /// <summary>Whether the body was longer than <c>--max-body</c>: <see cref="Body"/> then holds its first bytes only (the rest was read, counted in the bytes received, and dropped).</summary>
    public bool BodyTruncated { get; }

    /// <summary>The body decoded as UTF-8.</summary>
    public string Text => _text ??= Encoding.UTF8.GetString(Body);

    /// <summary>Time from sending the request to the last byte of the body.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Time from sending the request to receiving the response headers.</summary>
    public TimeSpan TimeToFirstByte { get; }

    /// <summary>Why the request counts as failed, or <see langword="null"/> when it succeeded.</summary>
    public string? Error { get; private set; }

    /// <summary>The exception behind a transport failure, if any.</summary>
    public Exception? Exception { get; }

    /// <summary>Whether the request counts as a success.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>
    /// The inference answer read from the body, for requests sent with <see cref="HttpSession.InferAsync"/> or
    /// <see cref="HttpSession.PredictAsync"/> that succeeded; a <c>check</c> reads its outputs from here.
    /// </summary>
    public Inference.InferResponse? Inference { get; internal set; }

    /// <summary>
    /// The gRPC status of a call made by a <see cref="GrpcUser"/>'s client (<see cref="StatusCode"/> then holds the
    /// HTTP status the gRPC specification maps it to); none for HTTP requests.
    /// </summary>
    public Grpc.Core.StatusCode? GrpcStatus { get; internal init; }

    /// <summary>Deserializes the body as JSON (web defaults: camelCase, case-insensitive).</summary>
    public T? Json<T>() => JsonSerializer.Deserialize<T>(Body, JsonSerializerOptions.Web);

    /// <summary>Marks the request failed with <paramref name="reason"/>; only inside a <c>check</c> callback.</summary>
    public void Failure(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        EnsureOpen();
        Error = reason;
    }

    /// <summary>Marks the request successful whatever its status (e.g. an expected 404); only inside a <c>check</c> callback.</summary>
    public void Success()
    {
        EnsureOpen();
        Error = null;
    }

    internal void Seal() => _sealed = true;

    /// <summary>Gives a result made without a body one (a gRPC answer's JSON form).</summary>
    internal void SetBody(byte[] body)
    {
        Body = body;
        _text = null;
    }

    private void EnsureOpen()
    {
        if (_sealed)
        {
            throw new InvalidOperationException("Failure() and Success() only work inside the request's check callback, before the request is recorded.");
        }
    }
}
