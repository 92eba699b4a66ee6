using System.Buffers.Binary;
using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Stampede.Http;
using Stampede.Inference;
using Stampede.Inference.Grpc;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Inference;

/// <summary>
/// A <see cref="GrpcUser"/>'s client against a loopback HTTP/2 server that speaks gRPC's wire format by hand (a
/// length-prefixed message, then <c>grpc-status</c> in the trailers): what it sends, what it reads, and every status
/// a classified failure with the HTTP status the gRPC specification maps it to.
/// </summary>
public sealed class GrpcClientTests : IAsyncLifetime
{
    private static readonly ConcurrentQueue<ModelInferRequest> Received = new();

    private LoopbackServer _server = null!;
    private Func<HttpContext, Task>? _answer;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync(
        async context =>
        {
            if (!context.Request.Path.StartsWithSegments("/inference.GRPCInferenceService") || _answer is null)
            {
                return false;
            }

            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            if (context.Request.Path.Value!.EndsWith("/ModelInfer", StringComparison.Ordinal))
            {
                Received.Enqueue(ModelInferRequest.Parser.ParseFrom(body.ToArray().AsSpan(5)));
            }

            context.Response.ContentType = "application/grpc";
            await _answer(context);
            return true;
        },
        http2: true);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ModelInferAsync_RawAnswer_SendsTheModelBeforeTheBodyEncodedOnceAndReadsTheOutputs()
    {
        var answer = new ModelInferResponse { ModelName = "m" };
        var output = new ModelInferResponse.Types.InferOutputTensor { Name = "scores", Datatype = "FP32" };
        output.Shape.Add([1, 3]);
        answer.Outputs.Add(output);
        answer.RawOutputContents.Add(ByteString.CopyFrom([.. BitConverter.GetBytes(0.1f), .. BitConverter.GetBytes(0.7f), .. BitConverter.GetBytes(0.2f)]));
        _answer = Reply(answer);
        Received.Clear();

        RunResult result = await RunAsync(typeof(InferUser));

        result.Stats.Failures.ShouldBeEmpty();
        result.Stats.Rows.Single().Key.ShouldBe(new RowKey("GRPC", "infer m"));
        ModelInferRequest sent = Received.ShouldHaveSingleItem();
        sent.ModelName.ShouldBe("m");
        sent.ModelVersion.ShouldBe("2");
        sent.Id.ShouldBe("r1");
        sent.Inputs.ShouldHaveSingleItem().Name.ShouldBe("x");
        sent.Inputs[0].Datatype.ShouldBe("FP32");
        sent.Inputs[0].Shape.ShouldBe([1L, 2L]);
        sent.RawInputContents.ShouldHaveSingleItem().ToByteArray().ShouldBe([.. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(2f)]);
        sent.Outputs.ShouldHaveSingleItem().Name.ShouldBe("scores");
        InferUser.Top.ShouldBe(1);
    }

    [Fact]
    public async Task ModelInferAsync_TypedContents_ReadLikeRawOnes()
    {
        var answer = new ModelInferResponse();
        var output = new ModelInferResponse.Types.InferOutputTensor { Name = "scores", Datatype = "FP32", Contents = new InferTensorContents() };
        output.Shape.Add([1, 3]);
        output.Contents.Fp32Contents.Add([0.3f, 0.1f, 0.9f]);
        answer.Outputs.Add(output);
        _answer = Reply(answer);

        RunResult result = await RunAsync(typeof(InferUser));

        result.Stats.Failures.ShouldBeEmpty();
        InferUser.Top.ShouldBe(2);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, "at capacity", "gRPC UNAVAILABLE: at capacity", 503)]
    [InlineData(StatusCode.ResourceExhausted, "too many requests", "gRPC RESOURCE_EXHAUSTED: too many requests", 429)]
    [InlineData(StatusCode.InvalidArgument, "input 'x' has shape [1,2]", "gRPC INVALID_ARGUMENT: input 'x' has shape [1,2]", 400)]
    [InlineData(StatusCode.NotFound, "no model 'm'", "gRPC NOT_FOUND: no model 'm'", 404)]
    [InlineData(StatusCode.Internal, "oops", "gRPC INTERNAL: oops", 500)]
    [InlineData(StatusCode.DeadlineExceeded, "too slow", "Timeout: no complete response within 10 s", 0)]
    public async Task ModelInferAsync_ErrorStatus_IsTheFailureWithTheMappedHttpStatus(StatusCode status, string detail, string reason, int httpStatus)
    {
        _answer = context =>
        {
            context.Response.AppendTrailer("grpc-status", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
            context.Response.AppendTrailer("grpc-message", detail);
            return Task.CompletedTask;
        };

        RunResult result = await RunAsync(typeof(InferUser));

        result.Stats.Failures.ShouldHaveSingleItem().Error.ShouldBe(reason);
        InferUser.LastStatus.ShouldBe(httpStatus);
        InferUser.LastGrpcStatus.ShouldBe(status);
    }

    [Fact]
    public async Task ModelInferAsync_SlowerThanTheTimeout_FailsWithTimeoutAtTheDeadline()
    {
        _answer = async context => await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);

        RunResult result = await RunAsync(typeof(SlowUser));

        result.Stats.Failures.ShouldHaveSingleItem().Error.ShouldBe("Timeout: no complete response within 0.3 s");
        result.Stats.Rows.Single().MaxMs.ShouldBeInRange(290, 1500);
    }

    [Fact]
    public async Task ModelInferAsync_OutputsThatDoNotFitTheirShape_FailMalformed()
    {
        var answer = new ModelInferResponse();
        var output = new ModelInferResponse.Types.InferOutputTensor { Name = "scores", Datatype = "FP32" };
        output.Shape.Add([1, 3]);
        answer.Outputs.Add(output);
        answer.RawOutputContents.Add(ByteString.CopyFrom(new byte[8]));
        _answer = Reply(answer);

        RunResult result = await RunAsync(typeof(InferUser));

        result.Stats.Failures.ShouldHaveSingleItem().Error.ShouldBe("malformed inference answer: output 'scores' has 2 values; its shape [1,3] needs 3");
    }

    [Fact]
    public async Task ModelReadyAsync_NotReady_FailsSayingSo()
    {
        _answer = Reply(new ModelReadyResponse { Ready = false });

        RunResult result = await RunAsync(typeof(ReadyUser));

        result.Stats.Failures.ShouldHaveSingleItem().Error.ShouldBe("model 'm' is not ready");
        result.Stats.Rows.Single().Key.ShouldBe(new RowKey("GRPC", "model ready m"));
    }

    [Fact]
    public async Task ModelMetadataAndServerLive_AnswersAsJsonInTheBody()
    {
        var metadata = new ModelMetadataResponse { Name = "m", Platform = "onnxruntime_onnx" };
        metadata.Versions.Add("1");
        _answer = context => context.Request.Path.Value!.EndsWith("/ServerLive", StringComparison.Ordinal)
            ? Reply(new ServerLiveResponse { Live = true })(context)
            : Reply(metadata)(context);

        RunResult result = await RunAsync(typeof(MetadataUser));

        result.Stats.Failures.ShouldBeEmpty();
        result.Stats.Rows.Select(r => r.Key.Name).ShouldBe(["model metadata m", "server live"], ignoreOrder: true);
        MetadataUser.Platform.ShouldBe("onnxruntime_onnx");
        MetadataUser.Live.ShouldBe("{ \"live\": true }");
    }

    [Fact]
    public async Task ModelInferAsync_NobodyListening_ConnectionRefused()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        RunResult result = await RunAsync(typeof(InferUser), $"http://127.0.0.1:{port}");

        result.Stats.Failures.ShouldHaveSingleItem().Error.ShouldBe("ConnectionRefused: the server refused the connection");
        InferUser.LastStatus.ShouldBe(0, "no answer came, as for an HTTP request that was refused");
        InferUser.LastGrpcStatus.ShouldBe(StatusCode.Unavailable);
    }

    [Fact]
    public async Task ModelInferAsync_HostSpeaksOnlyHttp1_FailsNamingTheGrpcPort()
    {
        await using LoopbackServer http1 = await LoopbackServer.StartAsync();

        RunResult result = await RunAsync(typeof(InferUser), http1.Address);

        result.Stats.Failures.ShouldHaveSingleItem().Error.ShouldBe(GrpcInferClient.NotGrpc);
        InferUser.LastStatus.ShouldBe(0);
    }

    [Fact]
    public void Encode_Grpc_AModelInferRequestWithRawContentsAndWithoutTheModelsName()
    {
        InferPayload grpc = new InferRequest(InferTensor.Int64("ids", [2], [5, 6])).Encode(InferProtocol.Grpc);

        ModelInferRequest message = ModelInferRequest.Parser.ParseFrom(grpc.Body);
        grpc.ContentType.ShouldBe("application/grpc");
        message.ModelName.ShouldBeEmpty("the model's name goes in front of the body at send time");
        message.Inputs.ShouldHaveSingleItem().Datatype.ShouldBe("INT64");
        message.RawInputContents.ShouldHaveSingleItem().ToByteArray().ShouldBe([5, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
        Should.Throw<ArgumentException>(() => new InferRequest(InferTensor.Int64("ids", [1], [1])) { Parameters = new Dictionary<string, object> { ["t"] = 0.5 } }.Encode(InferProtocol.Grpc))
            .Message.ShouldContain("gRPC parameters are strings, booleans or integers");
    }

    private async Task<RunResult> RunAsync(Type user, string? host = null)
    {
        using var test = new LoadTest(new LoadTestOptions { Host = host ?? _server.Address, Users = 1, SpawnRate = 10, RequestTimeout = TimeSpan.FromSeconds(10) }, [user]);
        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));
        result.StopReason.ShouldBe(StopReason.AllUsersStopped);
        return result;
    }

    /// <summary>One gRPC message (uncompressed, length-prefixed) and status OK in the trailers.</summary>
    private static Func<HttpContext, Task> Reply(IMessage message) => async context =>
    {
        byte[] bytes = message.ToByteArray();
        byte[] frame = new byte[5 + bytes.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), bytes.Length);
        bytes.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame);
        context.Response.AppendTrailer("grpc-status", "0");
    };

    internal sealed class InferUser : GrpcUser
    {
        private static readonly InferPayload Payload = new InferRequest(InferTensor.Fp32("x", [1, 2], [1, 2])) { Id = "r1", Outputs = ["scores"] }.Encode(InferProtocol.Grpc);

        public static int Top { get; private set; } = -1;

        public static int LastStatus { get; private set; } = -1;

        public static StatusCode? LastGrpcStatus { get; private set; }

        [Task]
        public async Task Send()
        {
            HttpResult result = await Infer.ModelInferAsync("m", Payload, version: "2", check: r => Top = r.Inference?.Output("scores")?.ArgMax() ?? -1);
            LastStatus = result.StatusCode;
            LastGrpcStatus = result.GrpcStatus;
            throw new StopUserException();
        }
    }

    internal sealed class SlowUser : GrpcUser
    {
        private static readonly InferPayload Payload = new InferRequest(InferTensor.Fp32("x", [1], [1])).Encode(InferProtocol.Grpc);

        [Task]
        public async Task Send()
        {
            await Infer.ModelInferAsync("m", Payload, timeout: TimeSpan.FromMilliseconds(300));
            throw new StopUserException();
        }
    }

    internal sealed class MetadataUser : GrpcUser
    {
        public static string? Platform { get; private set; }

        public static string? Live { get; private set; }

        [Task]
        public async Task Ask()
        {
            HttpResult metadata = await Infer.ModelMetadataAsync("m");
            Platform = metadata.Json<System.Text.Json.JsonElement>().GetProperty("platform").GetString();
            Live = (await Infer.ServerLiveAsync()).Text;
            throw new StopUserException();
        }
    }

    internal sealed class ReadyUser : GrpcUser
    {
        [Task]
        public async Task Ready()
        {
            await Infer.ModelReadyAsync("m");
            throw new StopUserException();
        }
    }
}
