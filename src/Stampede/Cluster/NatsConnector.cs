using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using Stampede.Security;

namespace Stampede.Cluster;

/// <summary>Connects a coordinator or an agent to its NATS server with its credentials, and says clearly why it could not.</summary>
internal static class NatsConnector
{
    /// <summary>How long the first connection may take.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The server's address as outputs show it: without credentials.</summary>
    public static string Display(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri.ToString().TrimEnd('/')
            : url;

    /// <summary>Marks every credential of <paramref name="settings"/> as a secret, so no output, log or report shows it.</summary>
    public static void NoteSecrets(ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Secrets.Add(settings.Credentials.Token);
        Secrets.Add(settings.Credentials.Password);
        if (Uri.TryCreate(settings.NatsUrl, UriKind.Absolute, out Uri? uri) && uri.UserInfo.Length > 0)
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            Secrets.Add(Uri.UnescapeDataString(parts[^1]));
        }
    }

    /// <summary>The connection options for <paramref name="settings"/>: its server, credentials (flags win over those in the URL) and TLS.</summary>
    public static NatsOpts Options(ClusterSettings settings, string clientName)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var uri = new Uri(settings.NatsUrl);
        string? urlUser = null;
        string? urlSecret = null;
        if (uri.UserInfo.Length > 0)
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            (urlUser, urlSecret) = parts.Length == 2 ? (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1])) : (null, Uri.UnescapeDataString(parts[0]));
        }

        NatsCredentials c = settings.Credentials;
        (string? seed, string? publicKey) = c.NKeyFile is { } nkey ? ReadNKey(nkey) : (null, null);
        var auth = NatsAuthOpts.Default with
        {
            Token = c.Token ?? (urlUser is null ? urlSecret : null),
            Username = c.User ?? urlUser,
            Password = c.Password ?? (urlUser is not null ? urlSecret : null),
            Seed = seed,
            NKey = publicKey,
            CredsFile = c.CredsFile,
        };
        bool tls = c.CaFile is not null || c.CertFile is not null || uri.Scheme == "tls";
        var tlsOpts = NatsTlsOpts.Default with
        {
            CaFile = c.CaFile,
            CertFile = c.CertFile,
            KeyFile = c.KeyFile,
            Mode = tls ? TlsMode.Require : TlsMode.Auto,
        };
        return NatsOpts.Default with
        {
            Url = new UriBuilder(uri) { Scheme = uri.Scheme == "tls" ? "tls" : "nats", UserName = string.Empty, Password = string.Empty }.Uri.ToString().TrimEnd('/'),
            Name = clientName,
            AuthOpts = auth,
            TlsOpts = tlsOpts,
            ConnectTimeout = ConnectTimeout,
            RequestTimeout = TimeSpan.FromSeconds(2),
            CommandTimeout = TimeSpan.FromSeconds(2),
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(200),
            ReconnectWaitMax = TimeSpan.FromSeconds(1),
            LoggerFactory = NullLoggerFactory.Instance,
            SubPendingChannelCapacity = 4096,
        };
    }

    /// <summary>The NKey seed in <paramref name="path"/> (the line that starts with <c>SU</c>, as <c>nk -gen user</c> writes it) and its public key.</summary>
    /// <exception cref="ClusterException">The file cannot be read or holds no user seed.</exception>
    private static (string Seed, string PublicKey) ReadNKey(string path)
    {
        string? seed;
        try
        {
            seed = File.ReadLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("SU", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterException($"--nats-nkey: the file '{path}' cannot be read ({ex.Message}); give the path of a readable file.", ex);
        }

        if (seed is null)
        {
            throw new ClusterException($"--nats-nkey: the file '{path}' holds no NKey user seed (a line that starts with SU, as `nk -gen user` writes); give the seed NATS knows this process by.");
        }

        try
        {
            using var pair = NATS.NKeys.KeyPair.FromSeed(seed);
            Secrets.Add(seed);
            return (seed, pair.GetPublicKey());
        }
        catch (Exception ex) when (ex is NATS.NKeys.NKeysException or ArgumentException or FormatException)
        {
            throw new ClusterException($"--nats-nkey: the seed in '{path}' is not a valid NKey seed ({ex.Message}).", ex);
        }
    }

    /// <summary>Connects to the run's NATS server.</summary>
    /// <exception cref="ClusterException">The server cannot be reached, refused the credentials, or a credential file cannot be read.</exception>
    public static async Task<NatsConnection> ConnectAsync(ClusterSettings settings, string clientName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string shown = Display(settings.NatsUrl);
        foreach ((string flag, string? file) in new[] { ("--nats-nkey", settings.Credentials.NKeyFile), ("--nats-creds", settings.Credentials.CredsFile), ("--nats-ca", settings.Credentials.CaFile), ("--nats-cert", settings.Credentials.CertFile), ("--nats-key", settings.Credentials.KeyFile) })
        {
            if (file is not null && !File.Exists(file))
            {
                throw new ClusterException($"{flag}: the file '{file}' does not exist; give the path of a readable file.");
            }
        }

        NatsOpts options = Options(settings, clientName);
        var connection = new NatsConnection(options);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(ConnectTimeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException or IOException or System.Security.Authentication.AuthenticationException or InvalidOperationException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new ClusterException(Explain(ex, shown), ex);
        }
    }

    /// <summary>Why a connection failed, in words that say what to do.</summary>
    internal static string Explain(Exception ex, string server)
    {
        string all = string.Join(" / ", Chain(ex).Select(e => e.Message));
        if (Chain(ex).Any(e => e is System.Security.Authentication.AuthenticationException) || all.Contains("TLS", StringComparison.OrdinalIgnoreCase) || all.Contains("SSL", StringComparison.OrdinalIgnoreCase) || all.Contains("certificate", StringComparison.OrdinalIgnoreCase))
        {
            return $"the TLS handshake with the NATS server at {server} failed ({Secrets.Redact(all)}): check --nats-ca (the CA that signed the server's certificate) and the server's TLS settings.";
        }

        if (all.Contains("Authorization Violation", StringComparison.OrdinalIgnoreCase) || all.Contains("authorization", StringComparison.OrdinalIgnoreCase))
        {
            return $"the NATS server at {server} refused this process's credentials (Authorization Violation): check --nats-token, --nats-user/--nats-password, --nats-creds or --nats-nkey (or their STAMPEDE_NATS_* variables) against the server's configuration.";
        }

        return $"could not connect to the NATS server at {server} ({Secrets.Redact(all)}): start one (Debian: apt-get install nats-server; nats-server -a 127.0.0.1 -p 4222) or point --nats at yours.";
    }

    private static IEnumerable<Exception> Chain(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
