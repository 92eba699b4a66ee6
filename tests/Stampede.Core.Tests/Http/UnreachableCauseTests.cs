using System.Net.Sockets;
using System.Security.Authentication;
using Stampede.Http;

namespace Stampede.Core.Tests.Http;

public sealed class UnreachableCauseTests
{
    private static readonly Uri Target = new("http://127.0.0.1:8080/predict");

    [Theory]
    [InlineData(SocketError.ConnectionRefused, "nothing listens on 127.0.0.1:8080 — is the server up?")]
    [InlineData(SocketError.HostNotFound, "cannot resolve host 127.0.0.1 — check the host name")]
    [InlineData(SocketError.HostUnreachable, "no route to 127.0.0.1:8080 — check the address and the network")]
    [InlineData(SocketError.ConnectionReset, null)]
    [InlineData(SocketError.TimedOut, null)]
    public void Of_SocketError_NamesTheCauseWithHostAndPort(SocketError code, string? expected)
    {
        var exception = new HttpRequestException(HttpRequestError.ConnectionError, "failed", new SocketException((int)code));

        UnreachableCause.Of(exception, Target).ShouldBe(expected);
    }

    [Fact]
    public void Of_NameResolutionError_NamesTheHost()
    {
        var exception = new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known");

        UnreachableCause.Of(exception, new Uri("https://model.example.invalid/v1")).ShouldBe("cannot resolve host model.example.invalid — check the host name");
    }

    [Fact]
    public void Of_TlsFailure_NamesHostPortAndWhy()
    {
        var exception = new HttpRequestException(HttpRequestError.SecureConnectionError, "SSL failed", new AuthenticationException("The remote certificate is invalid"));

        UnreachableCause.Of(exception, new Uri("https://127.0.0.1:8443/")).ShouldBe(
            "the TLS handshake with 127.0.0.1:8443 failed (The remote certificate is invalid) — check its certificate (--insecure accepts a test server's self-signed one), or use http:// if it speaks plain HTTP");
    }

    [Fact]
    public void Of_ResponseEnded_HasNoCause()
    {
        UnreachableCause.Of(new HttpRequestException(HttpRequestError.ResponseEnded, "ended"), Target).ShouldBeNull();
    }
}
