using System.Net.Sockets;
using System.Security.Authentication;

namespace Stampede.Http;

/// <summary>
/// The likely cause, in words, of a request that never reached a server: nothing listening, a host name that does not
/// resolve, a TLS handshake that failed, no route. Other failures (a reset, a timeout, an HTTP status) have none: the
/// server was reached, or may have been.
/// </summary>
internal static class UnreachableCause
{
    /// <summary>The cause of <paramref name="exception"/> naming the host and port of <paramref name="uri"/>, or <see langword="null"/> when the server may have been reached.</summary>
    /// <param name="exception">What the request threw.</param>
    /// <param name="uri">The request's absolute URI.</param>
    public static string? Of(Exception exception, Uri? uri)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (uri is not { IsAbsoluteUri: true })
        {
            return null;
        }

        string hostPort = $"{uri.Host}:{uri.Port}";
        if (Find<AuthenticationException>(exception) is { } tls)
        {
            return $"the TLS handshake with {hostPort} failed ({tls.Message}) — check its certificate (--insecure accepts a test server's self-signed one), or use http:// if it speaks plain HTTP";
        }

        if (Find<SocketException>(exception) is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"nothing listens on {hostPort} — is the server up?",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"cannot resolve host {uri.Host} — check the host name",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown => $"no route to {hostPort} — check the address and the network",
                _ => null,
            };
        }

        return exception is HttpRequestException { HttpRequestError: var error } ? error switch
        {
            HttpRequestError.NameResolutionError => $"cannot resolve host {uri.Host} — check the host name",
            HttpRequestError.SecureConnectionError => $"the TLS handshake with {hostPort} failed — check its certificate (--insecure accepts a test server's self-signed one), or use http:// if it speaks plain HTTP",
            _ => null,
        }
        : null;
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
}
