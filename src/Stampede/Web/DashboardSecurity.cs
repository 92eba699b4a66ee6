using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Stampede.Web;

/// <summary>
/// What every dashboard request passes before it reaches an endpoint: HTTP Basic credentials when
/// <c>--web-auth</c> is set; without them, a loopback <c>Host</c> header (so a web page cannot reach the
/// dashboard through DNS rebinding); and for control actions, a same-origin JSON POST (so another site open in
/// the same browser cannot start a load test: cross-site request forgery).
/// </summary>
internal sealed class DashboardSecurity
{
    private const string Realm = "Basic realm=\"Stampede dashboard\", charset=\"UTF-8\"";

    private readonly byte[]? _expected;

    public DashboardSecurity(string? auth)
    {
        _expected = auth is null ? null : Encoding.UTF8.GetBytes(auth);
    }

    /// <summary>Answers the request itself (401, 403, 415) and returns <see langword="false"/> when it may not go on.</summary>
    public async Task<bool> AdmitAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";

        if (_expected is not null)
        {
            if (!Authorized(request.Headers.Authorization.ToString()))
            {
                response.StatusCode = StatusCodes.Status401Unauthorized;
                response.Headers.WWWAuthenticate = Realm;
                await response.WriteAsync("401 Unauthorized: this dashboard needs the user and password given with --web-auth.\n").ConfigureAwait(false);
                return false;
            }
        }
        else if (!IsLoopbackHost(request.Host))
        {
            // Without credentials the dashboard trusts the loopback interface only; a foreign Host header means a
            // page reached it under another name (DNS rebinding) or a proxy forwarded it.
            response.StatusCode = StatusCodes.Status403Forbidden;
            await response.WriteAsync("403 Forbidden: without --web-auth the dashboard answers only to 127.0.0.1, [::1] or localhost.\n").ConfigureAwait(false);
            return false;
        }

        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return true;
        }

        if (!SameOrigin(request))
        {
            response.StatusCode = StatusCodes.Status403Forbidden;
            await response.WriteAsync("403 Forbidden: control actions are accepted from the dashboard's own page only.\n").ConfigureAwait(false);
            return false;
        }

        if (!(request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            // A JSON content type cannot be sent cross-site without a CORS preflight, which this server never grants.
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await response.WriteAsync("415 Unsupported Media Type: send control actions as application/json.\n").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>Whether <paramref name="header"/> is <c>Basic base64(user:password)</c> with the configured pair, compared in constant time.</summary>
    public bool Authorized(string header)
    {
        if (_expected is null)
        {
            return true;
        }

        const string Scheme = "Basic ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromBase64String(header[Scheme.Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(given, _expected);
    }

    /// <summary>Whether a request's <c>Host</c> header names this machine's loopback interface.</summary>
    public static bool IsLoopbackHost(HostString host)
    {
        if (!host.HasValue)
        {
            return false;
        }

        string name = host.Host.TrimStart('[').TrimEnd(']');
        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out IPAddress? address) && IPAddress.IsLoopback(address));
    }

    /// <summary>
    /// Whether a state-changing request comes from the dashboard's own page: <c>Sec-Fetch-Site</c> (sent by every
    /// current browser) must be <c>same-origin</c> or <c>none</c>, and an <c>Origin</c> header must name this server.
    /// Tools such as curl send neither and are let through: they carry no victim's cookies or credentials.
    /// </summary>
    public static bool SameOrigin(HttpRequest request)
    {
        string site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return false;
        }

        string origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
