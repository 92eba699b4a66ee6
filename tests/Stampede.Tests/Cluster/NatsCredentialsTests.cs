using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NATS.Client.Core;
using NATS.NKeys;
using Stampede.Cluster;

namespace Stampede.Tests.Cluster;

/// <summary>Each way a coordinator or an agent proves itself to a real nats-server, and the error that names what to check when it cannot.</summary>
[Collection(DistributedRunCollection.Name)]
public sealed class NatsCredentialsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stampede-tests", "nats-" + Guid.NewGuid().ToString("N"));

    public NatsCredentialsTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Connect_UserAndPassword_InFlagsOrUrl_AndTheWrongOneRefused()
    {
        await using NatsServer nats = await NatsServer.StartAsync("--user", "gen", "--pass", "pw-2398471");
        var settings = new ClusterSettings { Role = ClusterRole.Agent, NatsUrl = nats.Url, Credentials = new NatsCredentials { User = "gen", Password = "pw-2398471" } };

        await ConnectedAsync(settings);
        await ConnectedAsync(settings with { NatsUrl = $"nats://gen:pw-2398471@127.0.0.1:{nats.Port}", Credentials = new NatsCredentials() });
        ClusterException refused = await Should.ThrowAsync<ClusterException>(() => NatsConnector.ConnectAsync(settings with { Credentials = new NatsCredentials { User = "gen", Password = "wrong" } }, "t", CancellationToken.None));

        refused.Message.ShouldStartWith($"the NATS server at {nats.Url} refused this process's credentials (Authorization Violation)");
    }

    [Fact]
    public async Task Connect_NKeySeedFile_Accepted_WithoutIt_Refused()
    {
        using KeyPair user = KeyPair.CreatePair(PrefixByte.User);
        string config = Path.Combine(_directory, "nkey.conf");
        await File.WriteAllTextAsync(config, $"authorization {{ users = [ {{ nkey: \"{user.GetPublicKey()}\" }} ] }}\n");
        string seed = Path.Combine(_directory, "user.nk");
        await File.WriteAllTextAsync(seed, user.GetSeed());
        await using NatsServer nats = await NatsServer.StartAsync("-c", config);
        var settings = new ClusterSettings { Role = ClusterRole.Agent, NatsUrl = nats.Url, Credentials = new NatsCredentials { NKeyFile = seed } };

        await ConnectedAsync(settings);
        await Should.ThrowAsync<ClusterException>(() => NatsConnector.ConnectAsync(settings with { Credentials = new NatsCredentials() }, "t", CancellationToken.None));
        ClusterException missing = await Should.ThrowAsync<ClusterException>(() => NatsConnector.ConnectAsync(settings with { Credentials = new NatsCredentials { NKeyFile = seed + ".gone" } }, "t", CancellationToken.None));
        missing.Message.ShouldBe($"--nats-nkey: the file '{seed}.gone' does not exist; give the path of a readable file.");
    }

    [Fact]
    public async Task Connect_TlsWithTheServersCa_Accepted_WithAnotherCa_RefusedNamingTheHandshake()
    {
        (string ca, string cert, string key) = WriteCertificates("stampede-test-ca");
        (string otherCa, _, _) = WriteCertificates("another-ca");
        await using NatsServer nats = await NatsServer.StartAsync("--tls", "--tlscert", cert, "--tlskey", key);
        var settings = new ClusterSettings { Role = ClusterRole.Agent, NatsUrl = $"tls://127.0.0.1:{nats.Port}", Credentials = new NatsCredentials { CaFile = ca } };

        await ConnectedAsync(settings);
        ClusterException refused = await Should.ThrowAsync<ClusterException>(() => NatsConnector.ConnectAsync(settings with { Credentials = new NatsCredentials { CaFile = otherCa } }, "t", CancellationToken.None));

        refused.Message.ShouldStartWith($"the TLS handshake with the NATS server at tls://127.0.0.1:{nats.Port} failed");
        refused.Message.ShouldContain("check --nats-ca");
    }

    [Fact]
    public async Task Connect_NothingListening_SaysHowToStartAServer()
    {
        int port = Core.Tests.Infrastructure.LoopbackPort.Free();
        var settings = new ClusterSettings { Role = ClusterRole.Agent, NatsUrl = $"nats://127.0.0.1:{port}" };

        ClusterException error = await Should.ThrowAsync<ClusterException>(() => NatsConnector.ConnectAsync(settings, "t", CancellationToken.None));

        error.Message.ShouldStartWith($"could not connect to the NATS server at nats://127.0.0.1:{port} (");
        error.Message.ShouldEndWith("start one (Debian: apt-get install nats-server; nats-server -a 127.0.0.1 -p 4222) or point --nats at yours.");
    }

    private static async Task ConnectedAsync(ClusterSettings settings)
    {
        await using NatsConnection connection = await NatsConnector.ConnectAsync(settings, "test", CancellationToken.None);
        connection.ConnectionState.ShouldBe(NatsConnectionState.Open);
        (await connection.PingAsync()).ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    /// <summary>A CA, and a certificate for 127.0.0.1 it signed, as PEM files.</summary>
    private (string Ca, string Cert, string Key) WriteCertificates(string name)
    {
        using RSA caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest($"CN={name}", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 caCert = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using RSA serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 server = request.Create(caCert, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);

        string ca = Path.Combine(_directory, name + ".pem");
        string cert = Path.Combine(_directory, name + "-server.pem");
        string key = Path.Combine(_directory, name + "-server.key");
        File.WriteAllText(ca, caCert.ExportCertificatePem());
        File.WriteAllText(cert, server.ExportCertificatePem());
        File.WriteAllText(key, serverKey.ExportPkcs8PrivateKeyPem());
        return (ca, cert, key);
    }
}
