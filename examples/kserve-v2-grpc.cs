#:project ../src/Stampede/Stampede.csproj
#:property PublishAot=false
#:property ServerGarbageCollection=true
#:property GarbageCollectionAdaptationMode=0
// A model behind the KServe v2 / Open Inference Protocol gRPC API (Triton's :8001, KServe, MLServer), here the
// bundled demo's ResNet-18:
//   stampede serve-demo --grpc-port 8081                           (another terminal)
//   stampede run examples/kserve-v2-grpc.cs --host http://127.0.0.1:8081 --users 10 --spawn-rate 5 --run-time 1m --headless
// Each user holds its own HTTP/2 connection. Seven calls in ten are ModelInfer with the tensor as raw bytes
// (raw_input_contents), three ModelReady; gRPC statuses (UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED …) are
// the failure reasons (docs/inference-protocols.md).
using Stampede;
using Stampede.Http;
using Stampede.Inference;

return await StampedeApp.RunAsync(args, typeof(GrpcInferenceUser));

/// <summary>Sends the eight synthetic 224×224 photos of <see cref="Images.Small"/> as normalised FP32 tensors over gRPC.</summary>
public sealed class GrpcInferenceUser : GrpcUser
{
    private const string Model = "resnet18";
    private const string Input = "Input247";
    private const string Output = "Pooling395_Output_0";

    // Each image becomes a [1,3,224,224] tensor in a ModelInferRequest, serialised once before the run.
    private static readonly InferPayloadPool Requests =
        InferPayloadPool.FromImages(Images.Small, image => new InferRequest(ImageTensors.Fp32(Input, image)) { Outputs = [Output] }, InferProtocol.Grpc);

    private static readonly Action<HttpResult> IsEmbedding = InferChecks.Output(Output, TensorDatatype.Fp32, [1, 512]);

    public override WaitTime WaitTime => WaitTime.Between(0.5, 1.5);

    [Task(7)]
    public Task ModelInfer() => Infer.ModelInferAsync(Model, Requests.Next(), name: "ModelInfer", check: IsEmbedding);

    [Task(3)]
    public Task ModelReady() => Infer.ModelReadyAsync(Model, name: "ModelReady");
}
