using System.Collections;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console.Testing;

namespace Stampede.Tests.Security;

/// <summary>A loopback HTTPS server with a self-signed certificate: refused unless the run says <c>--insecure</c>, and a run that says so is marked in its reports.</summary>
public sealed class InsecureTlsTests : IAsyncLifetime
{
    private readonly string _outputs = Path.Combine(Path.GetTempPath(), "stampede-tls-tests", Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;
    private string _address = string.Empty;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_outputs);
        X509Certificate2 certificate = SelfSigned();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        _app = builder.Build();
        _app.Run(context => context.Response.WriteAsync("{\"label\":\"tabby cat\"}"));
        await _app.StartAsync();
        _address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_outputs, recursive: true);
    }

    [Fact]
    public async Task RunAsync_SelfSignedCertificateWithoutInsecure_FailsAsATlsErrorThatNamesTheFlag()
    {
        (int exit, string output, JsonElement settings, _) = await RunAsync("5s");

        exit.ShouldNotBe(0, output);
        output.ShouldContain("TlsError");
        output.ShouldContain("Target unreachable: the TLS handshake with 127.0.0.1:");
        output.ShouldContain("--insecure accepts a test server's self-signed one", customMessage: output);
        settings.GetProperty("insecure").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_SelfSignedCertificateWithInsecure_SucceedsAndEveryReportSaysCertificatesWereNotChecked()
    {
        (int exit, string output, JsonElement settings, string html) = await RunAsync("2s", "--insecure");

        exit.ShouldBe(0, output);
        output.ShouldContain("TLS certificates are not checked (--insecure)");
        output.ShouldNotContain("TlsError");
        settings.GetProperty("insecure").GetBoolean().ShouldBeTrue();
        html.ShouldContain("<p id=\"insecure\" class=\"coverage\"><strong>TLS certificates were not checked</strong>");
        html.ShouldContain("<tr><th>TLS</th><td>certificates NOT checked (--insecure)");
    }

    private async Task<(int Exit, string Output, JsonElement Settings, string Html)> RunAsync(string runTime, params string[] extra)
    {
        var console = new TestConsole();
        console.Profile.Width = 240;
        var errors = new StringWriter();
        string json = Path.Combine(_outputs, "run.json");
        string html = Path.Combine(_outputs, "report.html");
        string[] args = ["--host", _address, "-u", "2", "-r", "2", "-t", runTime, "--headless", "--json", json, "--html", html, .. extra];

        int exit = await StampedeApp.RunAsync(args, [typeof(TlsUser)], console, errors, new Hashtable(), TimeProvider.System, CancellationToken.None);

        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return (exit, errors + console.Output, document.RootElement.GetProperty("run").GetProperty("settings").Clone(), await File.ReadAllTextAsync(html));
    }

    private static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), password: null);
    }

    internal sealed class TlsUser : HttpUser
    {
        public override WaitTime WaitTime => WaitTime.Constant(0.2);

        [Task]
        public Task Predict() => Client.GetAsync("/predict", name: "predict");
    }
}
