// A Stampede load test of a model behind the KServe v2 / Open Inference Protocol gRPC API (Triton on :8001, KServe,
// Seldon MLServer): ModelInfer with the tensor as raw bytes, and the model's ready check, over one HTTP/2
// connection per user; gRPC statuses (UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED …) are the failure reasons.
//
// Try it against the bundled demo ML API (it serves ResNet-18 as "resnet18", gRPC on the port you give it):
//   stampede serve-demo --grpc-port 8081       (in another terminal)
//   stampede run {{FILE}} --host http://127.0.0.1:8081 --users 10 --spawn-rate 2 --run-time 30s --headless
// For your model, change Model, Input and Output below to what its ModelMetadata answers (and the image size and
// layout in ImageTensors.Fp32, or build the tensor with InferTensor.Fp32 and friends).
//
// To run it with `dotnet run {{FILE}} -- --host …` instead, without the stampede tool, reference the library:
// uncomment the #:package line below once the Stampede package is on a NuGet feed you use (a local folder
// feed works: `dotnet nuget add source /path/to/packages`). `stampede run` ignores that line and uses its own.
// #:package Stampede@{{VERSION}}
#:property PublishAot=false
// Server GC: with thousands of users the default GC pauses the generator every second (see docs/gc.md).
#:property ServerGarbageCollection=true
#:property GarbageCollectionAdaptationMode=0
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
