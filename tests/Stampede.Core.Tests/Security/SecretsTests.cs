using System.Collections;
using Stampede.Security;

namespace Stampede.Core.Tests.Security;

public sealed class SecretsTests
{
    [Theory]
    [InlineData("http://user:hunter2@127.0.0.1:8080/predict", "http://***@127.0.0.1:8080/predict")]
    [InlineData("https://ghp_abcdef123456@example.test/repo", "https://***@example.test/repo")]
    [InlineData("/predict?token=abc123&size=small", "/predict?token=***&size=small")]
    [InlineData("/v1/x?api_key=k1&key=k2&signature=s3&X-Amz-Signature=s4&apiKey=k5", "/v1/x?api_key=***&key=***&signature=***&X-Amz-Signature=***&apiKey=***")]
    [InlineData("/predict?size=large&model=resnet18", "/predict?size=large&model=resnet18")]
    [InlineData("/search?q=monkey", "/search?q=monkey")]
    public void Redact_UrlsAndPaths_HidesCredentialsAndSecretParameters(string text, string expected)
    {
        Secrets.Redact(text).ShouldBe(expected);
    }

    [Theory]
    [InlineData("Authorization: Bearer eyJhbGciOi.payload.sig", "Authorization: ***")]
    [InlineData("got 401 for proxy-authorization: Basic dXNlcjpwYXNz\nnext line", "got 401 for proxy-authorization: ***\nnext line")]
    [InlineData("Cookie: session=abc; theme=dark", "Cookie: ***")]
    [InlineData("Status: 500, authorization: Bearer abcdefgh12", "Status: 500, authorization: ***")]
    [InlineData("X-Api-Key: sk-live-123", "X-Api-Key: ***")]
    [InlineData("{\"error\":\"bad key\",\"api_key\": \"sk-live-123\"}", "{\"error\":\"bad key\",\"api_key\": \"***\"}")]
    [InlineData("echoed Bearer abcdefghijkl back", "echoed Bearer *** back")]
    [InlineData("serve --port 8080 --api-key sk-live-123 --token=t0k3n", "serve --port 8080 --api-key *** --token=***")]
    public void Redact_HeadersTokensAndFlags_HidesTheirValues(string text, string expected)
    {
        Secrets.Redact(text).ShouldBe(expected);
    }

    [Theory]
    [InlineData("HTTP 500 Internal Server Error")]
    [InlineData("Timeout: no complete response within 2 s")]
    [InlineData("TlsError: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot")]
    [InlineData("CheckFailed: expected label tabby cat, got 3 labels")]
    [InlineData("predict small")]
    public void Redact_TextWithoutSecrets_IsUnchanged(string text)
    {
        Secrets.Redact(text).ShouldBeSameAs(text);
    }

    [Fact]
    public void Redact_AnAddedValue_IsHiddenWherever_ItAppears()
    {
        string token = "tok-" + Guid.NewGuid().ToString("N");
        Secrets.Add(token);

        Secrets.Redact($"CheckFailed: the server said 'unknown token {token}'").ShouldBe("CheckFailed: the server said 'unknown token ***'");
    }

    [Fact]
    public void Add_AValueTooShortToBeASecret_IsIgnored()
    {
        Secrets.Add("abc");

        Secrets.Redact("abc abc").ShouldBe("abc abc");
    }

    [Fact]
    public void AddFromEnvironment_VariablesNamedLikeSecrets_AreHidden()
    {
        string key = "sk-" + Guid.NewGuid().ToString("N");
        string path = "/opt/" + Guid.NewGuid().ToString("N");
        string directory = "/home/" + Guid.NewGuid().ToString("N");
        var environment = new Hashtable { ["OPENAI_API_KEY"] = key, ["MODEL_HOME"] = path, ["HF_TOKEN"] = "short", ["PWD"] = directory, ["OLDPWD"] = directory + "/old" };

        Secrets.AddFromEnvironment(environment);

        Secrets.Redact($"{key} {path} short").ShouldBe($"*** {path} short");
        Secrets.Redact($"Wrote {directory}/out/run.json").ShouldBe($"Wrote {directory}/out/run.json", "the working directory is not a secret");
    }

    [Fact]
    public void RedactArguments_SecretFlagValues_AreHiddenAndOthersKept()
    {
        string[] args = ["--host", "http://u:p4ss@127.0.0.1:1", "--web-auth", "admin:s3cret", "--users", "5", "--metrics-url", "http://127.0.0.1:9/metrics?token=abc", "--target-command", "serve --api-key sk-1234"];

        Secrets.RedactArguments(args).ShouldBe(["--host", "http://***@127.0.0.1:1", "--web-auth", "***", "--users", "5", "--metrics-url", "http://127.0.0.1:9/metrics?token=***", "--target-command", "serve --api-key ***"]);
    }

    [Theory]
    [InlineData("Authorization", true)]
    [InlineData("proxy-authorization", true)]
    [InlineData("Cookie", true)]
    [InlineData("x-api-key", true)]
    [InlineData("api-key", true)]
    [InlineData("access_token", true)]
    [InlineData("client_secret", true)]
    [InlineData("Content-Type", false)]
    [InlineData("size", false)]
    [InlineData("User-Agent", false)]
    public void IsSensitiveName_KnownNames_AreRecognised(string name, bool sensitive)
    {
        Secrets.IsSensitiveName(name).ShouldBe(sensitive);
    }
}
