using System.Globalization;
using System.Net.Sockets;

namespace Stampede.Http;

/// <summary>Turns what went wrong with a request into a short reason that groups well in the failures table.</summary>
internal static class FailureReason
{
    /// <summary>A status reason, <c>HTTP 429 Too Many Requests</c>; with the server's <c>Retry-After</c> when it sent one (<c>(Retry-After 2 s)</c>), because a server that asks for a pause is shedding load on purpose.</summary>
    public static string ForStatus(int statusCode, string? reasonPhrase, System.Net.Http.Headers.RetryConditionHeaderValue? retryAfter = null)
    {
        string status = string.IsNullOrEmpty(reasonPhrase)
            ? string.Create(CultureInfo.InvariantCulture, $"HTTP {statusCode}")
            : string.Create(CultureInfo.InvariantCulture, $"HTTP {statusCode} {reasonPhrase}");
        return retryAfter switch
        {
            { Delta: { } delta } => string.Create(CultureInfo.InvariantCulture, $"{status} (Retry-After {delta.TotalSeconds:0.###} s)"),
            { Date: not null } => $"{status} (Retry-After a date)",
            _ => status,
        };
    }

    public static string ForTimeout(TimeSpan timeout) =>
        string.Create(CultureInfo.InvariantCulture, $"Timeout: no complete response within {timeout.TotalSeconds:0.###} s");

    public static string ForException(Exception exception)
    {
        SocketException? socket = Find<SocketException>(exception);
        if (socket is not null)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "ConnectionRefused: the server refused the connection",
                SocketError.ConnectionReset => "ConnectionReset: the server reset the connection",
                SocketError.TimedOut => "ConnectTimeout: the connection attempt timed out",
                SocketError.HostNotFound or SocketError.NoData => "NameResolution: host not found",
                _ => $"{socket.SocketErrorCode}: {socket.Message}",
            };
        }

        if (exception is HttpRequestException http)
        {
            string message = Innermost(exception).Message;
            return http.HttpRequestError switch
            {
                HttpRequestError.ResponseEnded => "ResponseEnded: the server closed the connection before the response was complete",
                HttpRequestError.InvalidResponse => $"InvalidResponse: {message}",
                HttpRequestError.HttpProtocolError => $"ProtocolError: {message}",
                HttpRequestError.ConnectionError => $"ConnectionError: {message}",
                HttpRequestError.NameResolutionError => "NameResolution: host not found",
                HttpRequestError.SecureConnectionError => $"TlsError: {message}",
                _ => $"{nameof(HttpRequestException)}: {message}",
            };
        }

        // A malformed body (bad chunking) fails as an IOException that knows which HTTP error it is.
        if (Find<HttpIOException>(exception) is { } io)
        {
            string message = io.Message;
            string suffix = $" ({io.HttpRequestError})";
            message = message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
            return io.HttpRequestError switch
            {
                HttpRequestError.ResponseEnded => "ResponseEnded: the server closed the connection before the response was complete",
                HttpRequestError.InvalidResponse => $"InvalidResponse: {message}",
                HttpRequestError.HttpProtocolError => $"ProtocolError: {message}",
                _ => $"IOError: {message}",
            };
        }

        if (exception is IOException)
        {
            return $"IOError: {Innermost(exception).Message}";
        }

        return $"{exception.GetType().Name}: {exception.Message}";
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception exception)
    {
        Exception e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
