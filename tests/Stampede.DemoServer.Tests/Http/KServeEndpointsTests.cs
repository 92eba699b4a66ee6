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

    [Fact]
    public async Task Infer_BinaryTensorAskingForBinaryOutput_AnswersTheSameEmbeddingInBinary()
    {
        var (_, fromJson) = await Requests.PostAsync(Client, "/v2/models/resnet18/infer", new StringContent(InferBody("[1,3,224,224]", "FP32", InputLength), Encoding.UTF8, "application/json"));

        using var response = await Client.PostAsync("/v2/models/resnet18/infer", BinaryBody(
            """{"inputs":[{"name":"Input247","shape":[1,3,224,224],"datatype":"FP32","parameters":{"binary_data_size":602112}}],"outputs":[{"name":"Pooling395_Output_0","parameters":{"binary_data":true}}]}""",
            Pattern(InputLength)));
        var body = await response.Content.ReadAsByteArrayAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK, Encoding.UTF8.GetString(body));
        var headerLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), CultureInfo.InvariantCulture);
        using var header = JsonDocument.Parse(body.AsMemory(0, headerLength));
        var output = header.RootElement.GetProperty("outputs")[0];
        output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32().ShouldBe(512 * sizeof(float));
        output.TryGetProperty("data", out _).ShouldBeFalse();
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(body.AsSpan(headerLength)).ToArray();
        values.ShouldBe(Data(fromJson));
    }

    [Fact]
    public async Task Infer_BinaryTensorWithoutBinaryOutput_AnswersJson()
    {
        var (response, json) = await Requests.PostAsync(Client, "/v2/models/resnet18/infer", BinaryBody(
            """{"id":"b","inputs":[{"name":"Input247","shape":[1,3,224,224],"datatype":"FP32","parameters":{"binary_data_size":602112}}]}""",
            Pattern(InputLength)));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        json.GetProperty("id").GetString().ShouldBe("b");
        Data(json).Length.ShouldBe(512);
    }

    [Theory]
    [InlineData(100, "says binary_data_size 602112, but 400 bytes follow the header")]
    [InlineData(InputLength + 1, "says binary_data_size 602112, but 602116 bytes follow the header")]
    public async Task Infer_BinaryDataOfTheWrongLength_Answers400WithBothSizes(int values, string reason)
    {
        var (response, json) = await Requests.PostAsync(Client, "/v2/models/resnet18/infer", BinaryBody(
            """{"inputs":[{"name":"Input247","shape":[1,3,224,224],"datatype":"FP32","parameters":{"binary_data_size":602112}}]}""",
            Pattern(values)));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        json.GetProperty("error").GetString()!.ShouldContain(reason);
    }

    [Fact]
    public async Task ServerMetadata_ListsTheBinaryTensorExtension()
    {
        var response = await Client.GetAsync("/v2");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        json.RootElement.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()).ShouldBe(["binary_tensor_data"]);
    }

    [Fact]
    public async Task TfServing_RowAndColumnar_AnswerTheSameEmbeddingAsKServe()
    {
        var (_, kserve) = await Requests.PostAsync(Client, "/v2/models/resnet18/infer", new StringContent(InferBody("[1,3,224,224]", "FP32", InputLength), Encoding.UTF8, "application/json"));
        var values = string.Join(',', Pattern(InputLength).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

        var (row, rowJson) = await Requests.PostAsync(Client, "/v1/models/resnet18:predict", new StringContent($"{{\"instances\":[[{values}]]}}", Encoding.UTF8, "application/json"));
        var (columnar, columnarJson) = await Requests.PostAsync(Client, "/v1/models/resnet18:predict", new StringContent($"{{\"signature_name\":\"serving_default\",\"inputs\":{{\"Input247\":[[{values}]]}}}}", Encoding.UTF8, "application/json"));

        row.StatusCode.ShouldBe(HttpStatusCode.OK, rowJson.ToString());
        columnar.StatusCode.ShouldBe(HttpStatusCode.OK, columnarJson.ToString());
        rowJson.GetProperty("predictions").GetArrayLength().ShouldBe(1);
        rowJson.GetProperty("predictions")[0].EnumerateArray().Select(v => v.GetSingle()).ShouldBe(Data(kserve));
        columnarJson.GetProperty("outputs")[0].EnumerateArray().Select(v => v.GetSingle()).ShouldBe(Data(kserve));
    }

    [Theory]
    [InlineData("{\"instances\":[[1,2],[3,4]]}", "takes one instance a request")]
    [InlineData("{\"instances\":[]}", "\"instances\" is empty")]
    [InlineData("{\"inputs\":[[1,2,3]]}", "the image tensor has 3 values")]
    [InlineData("{\"inputs\":{\"a\":[1],\"b\":[2]}}", "takes one input")]
    [InlineData("{\"data\":[1]}", "neither \"instances\" (row format) nor \"inputs\"")]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("{\"inputs\":[1,", "not valid JSON")]
    public async Task TfServing_RequestThatDoesNotFit_Answers400WithReason(string body, string reason)
    {
        var (response, json) = await Requests.PostAsync(Client, "/v1/models/resnet18:predict", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        json.GetProperty("error").GetString()!.ShouldContain(reason);
    }

    [Fact]
    public async Task TfServing_ModelStatus_OneVersionAvailable()
    {
        var response = await Client.GetAsync("/v1/models/resnet18");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var version = json.RootElement.GetProperty("model_version_status").EnumerateArray().ShouldHaveSingleItem();
        version.GetProperty("version").GetString().ShouldBe("1");
        version.GetProperty("state").GetString().ShouldBe("AVAILABLE");
        version.GetProperty("status").GetProperty("error_code").GetString().ShouldBe("OK");
    }

    [Fact]
    public async Task TfServing_Metadata_TheServingDefaultSignatureWithTheInputAndOutputShapes()
    {
        var response = await Client.GetAsync("/v1/models/resnet18/metadata");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var signature = json.RootElement.GetProperty("metadata").GetProperty("signature_def").GetProperty("signature_def").GetProperty("serving_default");
        var input = signature.GetProperty("inputs").GetProperty("Input247");
        input.GetProperty("dtype").GetString().ShouldBe("DT_FLOAT");
        input.GetProperty("tensor_shape").GetProperty("dim").EnumerateArray().Select(d => d.GetProperty("size").GetString()).ShouldBe(["1", "3", "224", "224"]);
        signature.GetProperty("outputs").GetProperty("Pooling395_Output_0").GetProperty("tensor_shape").GetProperty("dim").GetArrayLength().ShouldBe(2);
        signature.GetProperty("method_name").GetString().ShouldBe("tensorflow/serving/predict");
    }

    /// <summary>The values <see cref="InferBody"/> writes, as the JSON reader reads them back.</summary>
    private static float[] Pattern(int values) =>
        [.. Enumerable.Range(0, values).Select(i => float.Parse((MathF.Sin(i * 0.01f) * 2).ToString("0.###", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture))];

    /// <summary>A request with the binary tensor extension: the JSON header, then the values' little-endian bytes.</summary>
    private static ByteArrayContent BinaryBody(string header, float[] values)
    {
        var json = Encoding.UTF8.GetBytes(header);
        byte[] body = [.. json, .. System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())];
        var content = Requests.Body(body, "application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", json.Length.ToString(CultureInfo.InvariantCulture));
        return content;
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
