using System.Globalization;
using System.Net.Sockets;

namespace Stampede.Http;

/// <summary>Turns what went wrong with a request into a short reason that groups well in the failures table.</summary>
internal static class FailureReason
{
    public static string ForStatus(int statusCode, string? reasonPhrase) =>
        string.IsNullOrEmpty(reasonPhrase)
            ? string.Create(CultureInfo.InvariantCulture, $"HTTP {statusCode}")
            : string.Create(CultureInfo.InvariantCulture, $"HTTP {statusCode} {reasonPhrase}");

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
