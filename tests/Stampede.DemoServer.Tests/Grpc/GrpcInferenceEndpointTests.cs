using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Stampede.Demo.Tests.Infrastructure;
using Stampede.Inference.Grpc;

namespace Stampede.Demo.Tests.Grpc;

/// <summary>The demo's KServe v2 gRPC API on its own port, through a client generated from the same .proto.</summary>
[Collection(DemoServerCollection.Name)]
public sealed class GrpcInferenceEndpointTests : IDisposable
{
    private const int InputLength = 3 * 224 * 224;

    private readonly DemoServerFixture _fixture;
    private readonly GrpcChannel _channel;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;

    public GrpcInferenceEndpointTests(DemoServerFixture fixture)
    {
        _fixture = fixture;
        _channel = GrpcChannel.ForAddress(fixture.Server.GrpcAddress!);
        _client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
    }

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task HealthAndMetadata_AsTheRestRoutesSayThem()
    {
        (await _client.ServerLiveAsync(new ServerLiveRequest())).Live.ShouldBeTrue();
        (await _client.ServerReadyAsync(new ServerReadyRequest())).Ready.ShouldBeTrue();
        (await _client.ModelReadyAsync(new ModelReadyRequest { Name = "resnet18" })).Ready.ShouldBeTrue();
        ModelMetadataResponse metadata = await _client.ModelMetadataAsync(new ModelMetadataRequest { Name = "resnet18" });

        metadata.Versions.ShouldBe(["1"]);
        metadata.Inputs.ShouldHaveSingleItem().Name.ShouldBe("Input247");
        metadata.Inputs[0].Shape.ShouldBe([1L, 3, 224, 224]);
        metadata.Outputs.ShouldHaveSingleItem().Shape.ShouldBe([1L, 512]);
    }

    [Fact]
    public async Task ModelInfer_RawAndTypedContents_TheSameEmbeddingAsKServeJson()
    {
        float[] values = [.. Enumerable.Range(0, InputLength).Select(i => MathF.Round(MathF.Sin(i * 0.01f) * 2, 3))];
        string json = "{\"inputs\":[{\"name\":\"Input247\",\"shape\":[1,3,224,224],\"datatype\":\"FP32\",\"data\":["
            + string.Join(',', values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]}]}";
        var (_, rest) = await Requests.PostAsync(_fixture.Client, "/v2/models/resnet18/infer", new StringContent(json, Encoding.UTF8, "application/json"));
        float[] expected = [.. rest.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle())];

        ModelInferRequest raw = Request();
        raw.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())));
        ModelInferRequest typed = Request();
        typed.Inputs[0].Contents = new InferTensorContents();
        typed.Inputs[0].Contents.Fp32Contents.Add(values);

        ModelInferResponse fromRaw = await _client.ModelInferAsync(raw);
        ModelInferResponse fromTyped = await _client.ModelInferAsync(typed);

        fromRaw.Id.ShouldBe("g1");
        fromRaw.Outputs.ShouldHaveSingleItem().Shape.ShouldBe([1L, 512]);
        MemoryMarshal.Cast<byte, float>(fromRaw.RawOutputContents.ShouldHaveSingleItem().Span).ToArray().ShouldBe(expected);
        fromTyped.RawOutputContents.ShouldBeEmpty();
        fromTyped.Outputs[0].Contents.Fp32Contents.ShouldBe(expected);
    }

    [Fact]
    public async Task ModelInfer_ThatDoesNotFit_StatusWithTheReason()
    {
        ModelInferRequest otherModel = Request();
        otherModel.ModelName = "bert";
        ModelInferRequest shortRaw = Request();
        shortRaw.RawInputContents.Add(ByteString.CopyFrom(new byte[400]));
        ModelInferRequest wrongShape = Request();
        wrongShape.Inputs[0].Shape[1] = 1;
        wrongShape.RawInputContents.Add(ByteString.CopyFrom(new byte[InputLength * 4]));

        RpcException notFound = await Should.ThrowAsync<RpcException>(async () => await _client.ModelInferAsync(otherModel));
        RpcException tooShort = await Should.ThrowAsync<RpcException>(async () => await _client.ModelInferAsync(shortRaw));
        RpcException shape = await Should.ThrowAsync<RpcException>(async () => await _client.ModelInferAsync(wrongShape));

        notFound.StatusCode.ShouldBe(StatusCode.NotFound);
        notFound.Status.Detail.ShouldBe("no model 'bert'; this server has 'resnet18'");
        tooShort.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        tooShort.Status.Detail.ShouldBe("input 'Input247' has 400 bytes of raw_input_contents; FP32 [1,3,224,224] needs 602112");
        shape.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        shape.Status.Detail.ShouldBe("input 'Input247' has shape [1,1,224,224]; model 'resnet18' takes [1,3,224,224]");
    }

    private static ModelInferRequest Request()
    {
        var request = new ModelInferRequest { ModelName = "resnet18", Id = "g1" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "Input247", Datatype = "FP32" };
        input.Shape.Add([1, 3, 224, 224]);
        request.Inputs.Add(input);
        return request;
    }
}
