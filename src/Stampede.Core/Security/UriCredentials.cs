using System.Net.Http.Headers;
using System.Text;

namespace Stampede.Security;

/// <summary>
/// Credentials written into a URL (<c>http://user:pass@host</c>), as curl and k6 take them: sent as HTTP Basic
/// authentication, never as part of the address, and hidden in every output.
/// </summary>
internal static class UriCredentials
{
    /// <summary><paramref name="uri"/> without its user info.</summary>
    public static Uri WithoutUserInfo(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IsAbsoluteUri && uri.UserInfo.Length > 0 ? new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri : uri;
    }

    /// <summary>The Basic <c>Authorization</c> value for the user info of <paramref name="uri"/>, or <see langword="null"/> when it has none; its password (and the encoded value) become <see cref="Secrets"/>.</summary>
    public static AuthenticationHeaderValue? BasicFrom(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || uri.UserInfo.Length == 0)
        {
            return null;
        }

        string userInfo = Uri.UnescapeDataString(uri.UserInfo);
        int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        Secrets.Add(colon < 0 ? userInfo : userInfo[(colon + 1)..]);
        string encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo));
        Secrets.Add(encoded);
        return new AuthenticationHeaderValue("Basic", encoded);
    }
}
