using System.Diagnostics;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Stampede.Demo.Http;
using Stampede.Demo.Inference;
using Stampede.Inference.Grpc;

namespace Stampede.Demo.Grpc;

/// <summary>
/// The KServe v2 gRPC API (<c>inference.GRPCInferenceService</c>) for the same model, workers and queue as the REST
/// routes: liveness, readiness, metadata and <c>ModelInfer</c> with the tensor in <c>raw_input_contents</c> or
/// <c>contents.fp32_contents</c>. Errors are gRPC statuses: <c>NOT_FOUND</c> for another model,
/// <c>INVALID_ARGUMENT</c> for a tensor that does not fit, <c>UNAVAILABLE</c> when the queue is full or the model
/// failed to load (the REST routes' 503).
/// </summary>
internal sealed class GrpcInferenceEndpoint(WorkerPool pool, TimeSpan addedLatency) : GRPCInferenceService.GRPCInferenceServiceBase
{
    private const string ExpectedShapeText = "[1,3,224,224]";

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = pool.Host.IsReady });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        CheckModel(request.Name, request.Version);
        return Task.FromResult(new ModelReadyResponse { Ready = pool.Host.IsReady });
    }

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = "stampede-demo", Version = typeof(GrpcInferenceEndpoint).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        CheckModel(request.Name, request.Version);
        var response = new ModelMetadataResponse { Name = ResNetModel.Name, Platform = "onnxruntime_onnx" };
        response.Versions.Add(KServeEndpoints.ModelVersion);
        response.Inputs.Add(Metadata(ResNetModel.InputName, ResNetModel.PublicInputShape));
        response.Outputs.Add(Metadata(ResNetModel.OutputName, ResNetModel.PublicOutputShape));
        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var received = Stopwatch.GetTimestamp();
        CheckModel(request.ModelName, request.ModelVersion);
        if (pool.Host.FailureMessage is { } failure)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, failure));
        }

        var tensor = ReadTensor(request);
        if (addedLatency > TimeSpan.Zero)
        {
            await Task.Delay(addedLatency, context.CancellationToken).ConfigureAwait(false);
        }

        var job = InferenceJob.ForTensor(tensor, received, context.CancellationToken);
        if (!pool.TryEnqueue(job))
        {
            pool.Metrics.Rejected();
            throw new RpcException(new Status(StatusCode.Unavailable, $"the server is at capacity ({pool.Capacity} requests already queued) or stopping; retry later"));
        }

        var result = await job.Completion.ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new RpcException(new Status(result.ErrorStatus == InferenceResult.ClientClosedRequest ? StatusCode.Cancelled : StatusCode.Unavailable, result.ErrorMessage ?? "inference failed"));
        }

        var response = new ModelInferResponse { ModelName = ResNetModel.Name, ModelVersion = KServeEndpoints.ModelVersion, Id = request.Id };
        var output = new ModelInferResponse.Types.InferOutputTensor { Name = ResNetModel.OutputName, Datatype = "FP32" };
        output.Shape.AddRange(ResNetModel.PublicOutputShape);
        response.Outputs.Add(output);
        if (request.RawInputContents.Count > 0)
        {
            // Raw in, raw out, as Triton answers.
            response.RawOutputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(result.Embedding!.AsSpan())));
        }
        else
        {
            output.Contents = new InferTensorContents();
            output.Contents.Fp32Contents.AddRange(result.Embedding!);
        }

        return response;
    }

    private static float[] ReadTensor(ModelInferRequest request)
    {
        if (request.Inputs.Count != 1)
        {
            throw Invalid($"model '{ResNetModel.Name}' takes exactly one input ('{ResNetModel.InputName}', FP32 {ExpectedShapeText}); the request has {request.Inputs.Count}");
        }

        foreach (var output in request.Outputs)
        {
            if (output.Name != ResNetModel.OutputName)
            {
                throw Invalid($"model '{ResNetModel.Name}' has one output, '{ResNetModel.OutputName}'");
            }
        }

        var input = request.Inputs[0];
        var label = input.Name.Length == 0 ? "(unnamed)" : input.Name;
        if (input.Datatype != "FP32")
        {
            throw Invalid($"input '{label}' has datatype '{input.Datatype}'; model '{ResNetModel.Name}' takes FP32");
        }

        if (!input.Shape.SequenceEqual(ResNetModel.PublicInputShape))
        {
            throw Invalid($"input '{label}' has shape [{string.Join(',', input.Shape)}]; model '{ResNetModel.Name}' takes {ExpectedShapeText}");
        }

        float[] tensor;
        if (request.RawInputContents.Count > 0)
        {
            if (input.Contents is not null)
            {
                throw Invalid($"input '{label}' has contents and the request has raw_input_contents; send the values one way");
            }

            var raw = request.RawInputContents[0];
            if (raw.Length != ResNetModel.InputLength * sizeof(float))
            {
                throw Invalid($"input '{label}' has {raw.Length} bytes of raw_input_contents; FP32 {ExpectedShapeText} needs {ResNetModel.InputLength * sizeof(float)}");
            }

            tensor = MemoryMarshal.Cast<byte, float>(raw.Span).ToArray();
        }
        else
        {
            var values = input.Contents?.Fp32Contents;
            if (values is null || values.Count != ResNetModel.InputLength)
            {
                throw Invalid($"input '{label}' has {values?.Count ?? 0} values in contents.fp32_contents; shape {ExpectedShapeText} needs {ResNetModel.InputLength}");
            }

            tensor = [.. values];
        }

        return KServeRequestParser.NotFinite(label, tensor) is { } problem ? throw Invalid(problem) : tensor;
    }

    private static void CheckModel(string name, string version)
    {
        if (name != ResNetModel.Name)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"no model '{name}'; this server has '{ResNetModel.Name}'"));
        }

        if (version.Length > 0 && version != KServeEndpoints.ModelVersion)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"model '{ResNetModel.Name}' has no version '{version}'; it has '{KServeEndpoints.ModelVersion}'"));
        }
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private static ModelMetadataResponse.Types.TensorMetadata Metadata(string name, IReadOnlyList<long> shape)
    {
        var metadata = new ModelMetadataResponse.Types.TensorMetadata { Name = name, Datatype = "FP32" };
        metadata.Shape.AddRange(shape);
        return metadata;
    }
}
