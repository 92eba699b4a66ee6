using System.Net;
using System.Text;
using Stampede.Demo.Inference;
using Stampede.Demo.Tests.Infrastructure;

namespace Stampede.Demo.Tests.Http;

[Collection(DemoServerCollection.Name)]
public sealed class PredictEndpointTests
{
    private static readonly byte[] SmallJpeg = TestImages.Jpeg(224, 224, seed: 7);

    private readonly DemoServerFixture _fixture;

    public PredictEndpointTests(DemoServerFixture fixture) => _fixture = fixture;

    private HttpClient Client => _fixture.Client;

    [Fact]
    public async Task Predict_Jpeg_AnswersEmbeddingLabelTimingsAndSize()
    {
        var image = TestImages.Jpeg(320, 240, seed: 3);

        var (response, json) = await Requests.PredictAsync(Client, image);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        json.GetProperty("model").GetString().ShouldBe("resnet18");
        json.GetProperty("embeddingDimension").GetInt32().ShouldBe(512);
        Requests.Embedding(json).Length.ShouldBe(8);
        var labelIndex = json.GetProperty("labelIndex").GetInt32();
        labelIndex.ShouldBeInRange(0, PrototypeSet.Names.Count - 1);
        json.GetProperty("label").GetString().ShouldBe(PrototypeSet.Names[labelIndex]);
        json.GetProperty("similarity").GetDouble().ShouldBeInRange(-1.0001, 1.0001);
        json.GetProperty("image").GetProperty("width").GetInt32().ShouldBe(320);
        json.GetProperty("image").GetProperty("height").GetInt32().ShouldBe(240);
        Requests.Timing(json, "inferenceMs").ShouldBeGreaterThan(0);
        Requests.Timing(json, "decodeMs").ShouldBeGreaterThan(0);
        Requests.Timing(json, "totalMs").ShouldBeGreaterThanOrEqualTo(
            Requests.Timing(json, "decodeMs") + Requests.Timing(json, "resizeMs") + Requests.Timing(json, "inferenceMs"));
    }

    [Fact]
    public async Task Predict_SameImageTwice_IdenticalEmbeddingAndLabel()
    {
        var (first, firstJson) = await Requests.PredictAsync(Client, SmallJpeg);
        var (second, secondJson) = await Requests.PredictAsync(Client, SmallJpeg);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        Requests.Embedding(secondJson).ShouldBe(Requests.Embedding(firstJson));
        secondJson.GetProperty("label").GetString().ShouldBe(firstJson.GetProperty("label").GetString());
        secondJson.GetProperty("similarity").GetDouble().ShouldBe(firstJson.GetProperty("similarity").GetDouble());
    }

    [Fact]
    public async Task Predict_DifferentImages_DifferentEmbeddings()
    {
        var (_, first) = await Requests.PredictAsync(Client, TestImages.Jpeg(224, 224, seed: 11));
        var (_, second) = await Requests.PredictAsync(Client, TestImages.Jpeg(224, 224, seed: 12));

        Requests.Embedding(second).ShouldNotBe(Requests.Embedding(first));
    }

    [Fact]
    public async Task Predict_PngAndBase64Json_SameAnswerAsTheRawBody()
    {
        var png = TestImages.Png(200, 150, seed: 5);
        var json = $$"""{"image":"{{Convert.ToBase64String(png)}}"}""";
        var dataUrl = $$"""{"other":[1,2],"image":"data:image/png;base64,{{Convert.ToBase64String(png)}}"}""";

        var (raw, rawJson) = await Requests.PredictAsync(Client, png, "image/png");
        var (viaJson, viaJsonJson) = await Requests.PostAsync(Client, "/predict", new StringContent(json, Encoding.UTF8, "application/json"));
        var (viaDataUrl, viaDataUrlJson) = await Requests.PostAsync(Client, "/predict", new StringContent(dataUrl, Encoding.UTF8, "application/json"));

        raw.StatusCode.ShouldBe(HttpStatusCode.OK, rawJson.ToString());
        viaJson.StatusCode.ShouldBe(HttpStatusCode.OK, viaJsonJson.ToString());
        viaDataUrl.StatusCode.ShouldBe(HttpStatusCode.OK, viaDataUrlJson.ToString());
        Requests.Embedding(viaJsonJson).ShouldBe(Requests.Embedding(rawJson));
        Requests.Embedding(viaDataUrlJson).ShouldBe(Requests.Embedding(rawJson));
    }

    [Fact]
    public async Task Predict_LargeImage_CostsMoreDecodeAndResizeThanSmall()
    {
        var large = TestImages.Jpeg(1920, 1080, seed: 21);
        double smallMs = 0, largeMs = 0;

        // Interleaved and summed over several requests, from the server's own stage timings: whatever else the
        // machine does slows both sizes alike, and a 41× larger image cannot come out cheaper.
        for (var i = 0; i < 3; i++)
        {
            var (smallResponse, small) = await Requests.PredictAsync(Client, SmallJpeg);
            var (largeResponse, largeJson) = await Requests.PredictAsync(Client, large);
            smallResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
            largeResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
            largeJson.GetProperty("image").GetProperty("width").GetInt32().ShouldBe(1920);
            smallMs += Requests.Timing(small, "decodeMs") + Requests.Timing(small, "resizeMs");
            largeMs += Requests.Timing(largeJson, "decodeMs") + Requests.Timing(largeJson, "resizeMs");
        }

        largeMs.ShouldBeGreaterThan(smallMs * 3, $"decode+resize: 1920×1080 {largeMs:F2} ms vs 224×224 {smallMs:F2} ms over 3 requests");
    }

    [Fact]
    public async Task Predict_CorruptBytes_Answers400()
    {
        var garbage = new byte[5000];
        new Random(42).NextBytes(garbage);

        var (response, json) = await Requests.PredictAsync(Client, garbage);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        json.GetProperty("error").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Predict_TruncatedJpeg_Answers400()
    {
        var whole = TestImages.Jpeg(640, 480, seed: 9);

        var (response, json) = await Requests.PredictAsync(Client, whole[..(whole.Length / 2)]);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, json.ToString());
    }

    [Theory]
    [InlineData("application/json", "{}")]
    [InlineData("application/json", "{\"image\":\"***not base64***\"}")]
    [InlineData("application/json", "{\"image\":42}")]
    [InlineData("application/json", "[1,2,3]")]
    [InlineData("application/json", "{\"image\":")]
    public async Task Predict_BadJson_Answers400(string contentType, string body)
    {
        var (response, json) = await Requests.PredictAsync(Client, Encoding.UTF8.GetBytes(body), contentType);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        json.GetProperty("error").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Predict_EmptyBody_Answers400()
    {
        var (response, json) = await Requests.PredictAsync(Client, []);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        json.GetProperty("error").GetString()!.ShouldContain("empty");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    public async Task Predict_WrongContentType_Answers415(string? contentType)
    {
        var (response, json) = await Requests.PredictAsync(Client, SmallJpeg, contentType!);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        json.GetProperty("error").GetString()!.ShouldContain("image/jpeg");
    }

    [Fact]
    public async Task Predict_BodyOverLimit_Answers413()
    {
        var huge = new byte[DemoServerFixture.MaxBodyBytes + 1024];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = Requests.Body(huge, "image/jpeg") };

        // Expect: 100-continue lets the server refuse on Content-Length before the client sends 4 MiB.
        request.Headers.ExpectContinue = true;
        using var response = await Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Predict_ChunkedBodyOverLimit_Answers413()
    {
        var huge = new byte[DemoServerFixture.MaxBodyBytes + 1024];
        var content = new StreamContent(new UnseekableStream(huge));
        content.Headers.ContentType = new("image/jpeg");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = content };

        using var response = await Client.SendAsync(request);

        request.Headers.TransferEncodingChunked.ShouldBe(true);
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Predict_AfterBadRequests_ServerKeepsServing()
    {
        await Requests.PredictAsync(Client, [1, 2, 3]);
        await Requests.PredictAsync(Client, []);
        await Requests.PredictAsync(Client, SmallJpeg, "text/plain");
        await Requests.PredictAsync(Client, Encoding.UTF8.GetBytes("{\"image\":\"AAAA\"}"), "application/json");

        var (response, json) = await Requests.PredictAsync(Client, SmallJpeg);
        var live = await Client.GetAsync("/v2/health/live");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        json.GetProperty("embeddingDimension").GetInt32().ShouldBe(512);
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task UnknownRoute_Answers404()
    {
        var response = await Client.GetAsync("/no/such/route");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    /// <summary>A stream without a length, so HttpClient sends it chunked.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
