using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Stampede.Demo.Tests.Infrastructure;

namespace Stampede.Demo.Tests.Http;

[Collection(DemoServerCollection.Name)]
public sealed class KServeEndpointsTests
{
    private const int InputLength = 3 * 224 * 224;

    private readonly DemoServerFixture _fixture;

    public KServeEndpointsTests(DemoServerFixture fixture) => _fixture = fixture;

    private HttpClient Client => _fixture.Client;

    [Fact]
    public async Task Health_LiveAndReady_Answer200()
    {
        var live = await Client.GetAsync("/v2/health/live");
        var ready = await Client.GetAsync("/v2/health/ready");
        var modelReady = await Client.GetAsync("/v2/models/resnet18/ready");

        live.StatusCode.ShouldBe(HttpStatusCode.OK);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        modelReady.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ModelMetadata_DescribesInputAndOutput()
    {
        var response = await Client.GetAsync("/v2/models/resnet18");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        root.GetProperty("name").GetString().ShouldBe("resnet18");
        var input = root.GetProperty("inputs")[0];
        input.GetProperty("name").GetString().ShouldBe("Input247");
        input.GetProperty("datatype").GetString().ShouldBe("FP32");
        input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ShouldBe([1L, 3, 224, 224]);
        var output = root.GetProperty("outputs")[0];
        output.GetProperty("name").GetString().ShouldBe("Pooling395_Output_0");
        output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ShouldBe([1L, 512]);
    }

    [Fact]
    public async Task Infer_ValidTensor_Answers512ValueEmbedding()
    {
        var body = InferBody(shape: "[1,3,224,224]", datatype: "FP32", values: InputLength, id: "req-1");

        var (response, json) = await Requests.PostAsync(Client, "/v2/models/resnet18/infer", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        json.GetProperty("model_name").GetString().ShouldBe("resnet18");
        json.GetProperty("id").GetString().ShouldBe("req-1");
        var output = json.GetProperty("outputs")[0];
        output.GetProperty("name").GetString().ShouldBe("Pooling395_Output_0");
        output.GetProperty("datatype").GetString().ShouldBe("FP32");
        output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ShouldBe([1L, 512]);
        var data = output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        data.Length.ShouldBe(512);
        data.ShouldAllBe(v => float.IsFinite(v) && v >= 0); // after ReLU and average pooling
        data.ShouldContain(v => v > 0);
    }

    [Fact]
    public async Task Infer_SameTensorTwice_SameOutput()
    {
        var body = InferBody(shape: "[1,3,224,224]", datatype: "FP32", values: InputLength);

        var (_, first) = await Requests.PostAsync(Client, "/v2/models/resnet18/infer", new StringContent(body, Encoding.UTF8, "application/json"));
        var (_, second) = await Requests.PostAsync(Client, "/v2/models/resnet18/infer", new StringContent(body, Encoding.UTF8, "application/json"));

        Data(second).ShouldBe(Data(first));
    }

    [Theory]
    [InlineData("[1,3,32,32]", "FP32", 3 * 32 * 32, "shape")]
    [InlineData("[3,224,224]", "FP32", InputLength, "shape")]
    [InlineData("[1,3,224,224]", "INT64", InputLength, "datatype")]
    [InlineData("[1,3,224,224]", "FP32", 1000, "values")]
    public async Task Infer_TensorThatDoesNotFit_Answers400WithReason(string shape, string datatype, int values, string reason)
    {
        var body = InferBody(shape, datatype, values);

        var (response, json) = await Requests.PostAsync(Client, "/v2/models/resnet18/infer", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        json.GetProperty("error").GetString()!.ShouldContain(reason);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"inputs\":[]}")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3,224,224],\"datatype\":\"FP32\",\"data\":[\"a\"]}]}")]
    public async Task Infer_MalformedRequest_Answers400(string body)
    {
        var (response, json) = await Requests.PostAsync(Client, "/v2/models/resnet18/infer", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        json.GetProperty("error").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Infer_BinaryContentType_Answers415()
    {
        var (response, _) = await Requests.PostAsync(Client, "/v2/models/resnet18/infer", Requests.Body([1, 2, 3], "application/octet-stream"));

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    private static float[] Data(JsonElement json) =>
        json.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();

    private static string InferBody(string shape, string datatype, int values, string? id = null)
    {
        var text = new StringBuilder(values * 8);
        text.Append("{");
        if (id is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"\"id\":\"{id}\",");
        }

        text.Append(CultureInfo.InvariantCulture, $"\"inputs\":[{{\"name\":\"Input247\",\"shape\":{shape},\"datatype\":\"{datatype}\",\"data\":[");
        for (var i = 0; i < values; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            // A smooth pattern in roughly the range of normalised pixels.
            text.Append((MathF.Sin(i * 0.01f) * 2).ToString("0.###", CultureInfo.InvariantCulture));
        }

        text.Append("]}]}");
        return text.ToString();
    }
}
